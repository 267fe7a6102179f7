import Foundation
import Testing
@testable import Logits

/// `TrainingProfile`: the phases of a profiled fit are recorded and add up to at most its wall
/// time; with profiling off nothing is recorded and the weights are the same.
@Suite("Training profile", .serialized)
struct TrainingProfileTests {
    static func fit(profile: Bool) throws -> (MLP, [TrainingProfile.Phase: Double]) {
        let (x, y) = try TrainerTests.blobs(600, seed: 3)
        // 600 x 64 x 96 multiply-adds per product: large enough to be profiled as GEMM either way.
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [64, 96], outputs: 3), seed: 5)
        TrainingProfile.reset()
        TrainingProfile.isEnabled = profile
        defer { TrainingProfile.isEnabled = false }
        try Trainer(config: TrainerConfig(epochs: 3, batchSize: 50, learningRate: 0.01, loss: SoftmaxCrossEntropy()))
            .fit(model, features: x, targets: .classIndices(y))
        TrainingProfile.isEnabled = false
        return (model, TrainingProfile.snapshot())
    }

    @Test("phases are positive where work was done and sum to the fit's wall time")
    func phasesAddUp() throws {
        let (profiled, snap) = try Self.fit(profile: true)
        let total = snap[.total] ?? 0
        #expect(total > 0)
        for phase: TrainingProfile.Phase in [.data, .gemmForward, .loss, .gemmBackward, .backwardOther, .optimizer] {
            #expect((snap[phase] ?? 0) > 0, "\(phase.label)")
        }
        let steps: [TrainingProfile.Phase] = [.data, .gemmForward, .forwardOther, .loss, .gemmBackward, .backwardOther, .optimizer, .other]
        let sum = steps.reduce(0) { $0 + (snap[$1] ?? 0) }
        #expect(sum <= total * 1.001 + 1e-6 && sum >= total * 0.999 - 1e-6, "phases \(sum) s, total \(total) s")
        #expect((snap[.gemm] ?? 0) >= (snap[.gemmForward] ?? 0) + (snap[.gemmBackward] ?? 0) - 1e-6)

        // Off: nothing recorded, and profiling did not change the training.
        let (plain, off) = try Self.fit(profile: false)
        for phase in TrainingProfile.Phase.allCases { #expect(off[phase] == 0, "\(phase.label)") }
        for (a, b) in zip(profiled.parameters, plain.parameters) {
            #expect(a.value.storage.map(\.bitPattern) == b.value.storage.map(\.bitPattern), "\(a.name)")
        }
    }
}

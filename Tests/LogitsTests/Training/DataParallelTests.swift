import Foundation
import Testing
@testable import Logits

/// The data-parallel hook of `Trainer` with an in-process fake of the collectives (no MPI): N ranks
/// on N threads must train the model one process trains with the same global batch.
@Suite("Data-parallel training (in-process ranks)")
struct DataParallelTests {
    /// What one run leaves behind.
    struct Outcome: Sendable {
        var trainLoss: [Double]
        var validationLoss: [Double]
        var bestEpoch: Int
        var stoppedEarly: Bool
        var parameters: [Float]
    }

    struct Problem: Sendable {
        var x: Matrix
        var targets: Targets
        var spec: MLPSpec
        var config: @Sendable () -> TrainerConfig
    }

    static func multiClass(rows: Int = 90) throws -> Problem {
        let (x, y) = try TrainerTests.blobs(rows, seed: 3)
        return Problem(x: x, targets: .classIndices(y), spec: MLPSpec(inputs: 4, hidden: [8], outputs: 3)) {
            TrainerConfig(epochs: 1, batchSize: rows, learningRate: 0.1, optimizer: .sgd(momentum: 0, nesterov: false),
                          loss: SoftmaxCrossEntropy(), seed: 5)
        }
    }

    static func multiLabel() throws -> Problem {
        var rng = SeededGenerator(seed: 11)
        var xs: [[Float]] = [], ys: [[Float]] = []
        for _ in 0..<203 {
            let r = (0..<6).map { _ in Float(rng.normal()) }
            xs.append(r)
            ys.append([r[0] > 0 ? 1 : 0, r[1] + r[2] > 0 ? 1 : 0, r[3] < -0.5 ? 1 : 0, r[4] * r[5] > 0 ? 1 : 0])
        }
        return Problem(x: try Matrix(xs), targets: .matrix(try Matrix(ys)),
                       spec: MLPSpec(inputs: 6, hidden: [16, 8], outputs: 4)) {
            // 173 training rows, batch 10: the last batch has 3 rows, fewer than 4 ranks.
            TrainerConfig(epochs: 6, batchSize: 10, learningRate: 0.01, optimizer: .adamW(weightDecay: 0.01),
                          loss: SigmoidBinaryCrossEntropy(), seed: 9, validation: .fraction(0.15), patience: 2,
                          clipNorm: 1.0, reportBatches: false)
        }
    }

    static func flatten(_ model: MLP) -> [Float] { model.parameters.flatMap(\.value.storage) }

    static func train(_ p: Problem, context: (any DistributedContext)?) throws -> Outcome {
        let model = try MLP(spec: p.spec, seed: 1)
        var config = p.config()
        config.distributed = context
        let r = try Trainer(config: config).fit(model, features: p.x, targets: p.targets)
        return Outcome(trainLoss: r.history.map(\.trainLoss), validationLoss: r.history.compactMap(\.validationLoss),
                       bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, parameters: flatten(model))
    }

    static func parallel(_ p: Problem, ranks: Int) throws -> [Outcome] {
        let world = FakeWorld(size: ranks)
        return try world.run { rank in try train(p, context: world.context(rank: rank)) }
    }

    /// max |a - b| / max(1, max |b|): relative to the parameters' scale, so tiny weights near 0 do
    /// not blow the ratio up.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let scale = max(1, b.map { Double(abs($0)) }.max() ?? 0)
        return zip(a, b).map { Double(abs($0 - $1)) }.max().map { $0 / scale } ?? 0
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1e-12, abs($1)) }.max() ?? 0
    }

    @Test("The shards of a batch are contiguous, disjoint, cover it and differ in size by at most 1")
    func shards() {
        for size in 1...5 {
            for count in 0...13 {
                let batch = 20..<(20 + count)
                let parts = (0..<size).map { DataParallel.shard(batch, rank: $0, size: size) }
                #expect(parts.first?.lowerBound == batch.lowerBound)
                #expect(parts.last?.upperBound == batch.upperBound)
                for r in 1..<size { #expect(parts[r].lowerBound == parts[r - 1].upperBound) }
                let counts = parts.map(\.count)
                #expect((counts.max() ?? 0) - (counts.min() ?? 0) <= 1)
            }
        }
    }

    @Test("One SGD step on N ranks equals the one-process step (the scaled local gradients sum to the batch gradient)",
          arguments: [1, 2, 3, 4])
    func oneStep(ranks: Int) throws {
        let p = try Self.multiClass()
        let single = try Self.train(p, context: nil)
        let initial = Self.flatten(try MLP(spec: p.spec, seed: 1))
        let outcomes = try Self.parallel(p, ranks: ranks)
        for o in outcomes {
            #expect(o.parameters == outcomes[0].parameters, "ranks must hold identical weights")
            #expect(Self.relativeError(o.parameters, single.parameters) < 1e-6)
            #expect(Self.relativeError(o.trainLoss, single.trainLoss) < 1e-6)
        }
        // The step really moved the weights (the comparison is not between two untouched models).
        #expect(Self.relativeError(single.parameters, initial) > 1e-3)
    }

    @Test("Adam, clipping, a validation split, early stopping and a last batch smaller than N: same run as one process",
          arguments: [2, 3, 4])
    func fullRun(ranks: Int) throws {
        let p = try Self.multiLabel()
        let single = try Self.train(p, context: nil)
        let outcomes = try Self.parallel(p, ranks: ranks)
        for o in outcomes {
            #expect(o.parameters == outcomes[0].parameters, "ranks must hold identical weights")
            #expect(o.trainLoss.count == single.trainLoss.count)
            #expect(Self.relativeError(o.trainLoss, single.trainLoss) < 1e-4)
            #expect(Self.relativeError(o.validationLoss, single.validationLoss) < 1e-4)
            #expect(o.bestEpoch == single.bestEpoch)
            #expect(o.stoppedEarly == single.stoppedEarly)
            #expect(Self.relativeError(o.parameters, single.parameters) < 1e-4)
        }
    }

    @Test("Dropout: one rank keeps the model's generators (bitwise the one-process run); with 2 ranks the masks differ per rank, the weights stay identical")
    func dropout() throws {
        var p = try Self.multiClass(rows: 60)
        p.spec = MLPSpec(inputs: 4, hidden: [8], outputs: 3, dropout: 0.3)
        p.config = {
            TrainerConfig(epochs: 3, batchSize: 12, learningRate: 0.05, loss: SoftmaxCrossEntropy(), seed: 5, reportBatches: false)
        }
        let single = try Self.train(p, context: nil)
        let one = try Self.parallel(p, ranks: 1)
        #expect(one[0].parameters == single.parameters)
        let two = try Self.parallel(p, ranks: 2)
        #expect(two[0].parameters == two[1].parameters)
        #expect(two[0].parameters != single.parameters, "rank 1 must draw other masks than the one-process run")
        #expect(DataParallel.dropoutSeed(5, rank: 0) != DataParallel.dropoutSeed(5, rank: 1))
    }

    @Test("A loss that is not a plain mean over rows is rejected before training")
    func rejectsSumReduction() throws {
        var p = try Self.multiClass()
        p.config = { TrainerConfig(loss: SoftmaxCrossEntropy(reduction: .sum)) }
        let world = FakeWorld(size: 1)
        #expect(throws: LogitsError.self) { try Self.train(p, context: world.context(rank: 0)) }
        p.config = { TrainerConfig(loss: SoftmaxCrossEntropy(weight: [1, 2, 3])) }
        #expect(throws: LogitsError.self) { try Self.train(p, context: world.context(rank: 0)) }
    }
}

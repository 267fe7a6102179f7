import Foundation
import Testing
@testable import Logits

@Suite("Trainer")
struct TrainerTests {
    /// Three Gaussian blobs in 4-D (well separated), class = blob.
    static func blobs(_ n: Int, seed: UInt64) throws -> (Matrix, [Int]) {
        var rng = SeededGenerator(seed: seed)
        let centers: [[Double]] = [[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, -3]]
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % 3
            rows.append(centers[c].map { Float($0 + 0.7 * rng.normal()) })
            labels.append(c)
        }
        return (try Matrix(rows), labels)
    }

    static func accuracy(_ model: MLP, _ x: Matrix, _ y: [Int]) throws -> Double {
        let pred = Prediction.argmax(try model.logits(x))
        return Double(zip(pred, y).filter { $0 == $1 }.count) / Double(y.count)
    }

    @Test("A separable 3-class problem is learned (softmax-CE, Adam)")
    func learnsMultiClass() throws {
        let (x, y) = try Self.blobs(300, seed: 1)
        let (tx, ty) = try Self.blobs(150, seed: 2)
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [16], outputs: 3), seed: 1)
        let before = try Self.accuracy(model, tx, ty)
        let result = try Trainer(config: TrainerConfig(epochs: 15, batchSize: 32, learningRate: 0.01, loss: SoftmaxCrossEntropy()))
            .fit(model, features: x, targets: .classIndices(y))
        #expect(result.history.count == 15)
        #expect(result.history.last!.trainLoss < result.history.first!.trainLoss)
        #expect(try Self.accuracy(model, tx, ty) >= 0.97, "test accuracy before training: \(before)")
    }

    @Test("A separable multi-label problem is learned (sigmoid-BCE, SGD + Nesterov, dropout)")
    func learnsMultiLabel() throws {
        var rng = SeededGenerator(seed: 4)
        var xs: [[Float]] = [], ys: [[Float]] = []
        for _ in 0..<400 {
            let r = (0..<5).map { _ in Float(rng.normal()) }
            xs.append(r)
            ys.append([r[0] > 0 ? 1 : 0, r[1] + r[2] > 0 ? 1 : 0, r[3] < -0.5 ? 1 : 0])
        }
        let x = try Matrix(xs), y = try Matrix(ys)
        let model = try MLP(spec: MLPSpec(inputs: 5, hidden: [32], outputs: 3, dropout: 0.1), seed: 2)
        let config = TrainerConfig(epochs: 40, batchSize: 16, learningRate: 0.05,
                                   optimizer: .sgd(momentum: 0.9, nesterov: true), loss: SigmoidBinaryCrossEntropy())
        try Trainer(config: config).fit(model, features: x, targets: .matrix(y))
        guard case .matrix(let p) = try ClassificationTask.multiLabel(labels: 3).decide(logits: try model.logits(x), logitThresholds: [0, 0, 0]) else {
            Issue.record("multi-label decisions must be a matrix"); return
        }
        let agree = zip(p.storage, y.storage).filter { $0 == $1 }.count
        #expect(Double(agree) / Double(y.count) >= 0.95)
    }

    @Test("Same seeds, data and backend give bitwise identical weights (with dropout and a validation split)")
    func reproducible() throws {
        let (x, y) = try Self.blobs(200, seed: 3)
        func run(_ seed: UInt64) throws -> ([NamedTensor], TrainingResult) {
            let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [12, 8], outputs: 3, dropout: 0.3), seed: seed)
            let config = TrainerConfig(epochs: 4, batchSize: 24, loss: SoftmaxCrossEntropy(), seed: seed,
                                       validation: .fraction(0.2), patience: 10)
            let r = try Trainer(config: config).fit(model, features: x, targets: .classIndices(y))
            return (model.stateDict(), r)
        }
        let (a, ra) = try run(11), (b, rb) = try run(11), (c, _) = try run(12)
        #expect(a == b)
        #expect(ra.history.map(\.trainLoss) == rb.history.map(\.trainLoss))
        #expect(ra.history.map(\.validationLoss) == rb.history.map(\.validationLoss))
        #expect(a != c)
        #expect(ra.validationRows == 40 && ra.trainingRows == 160)
    }

    @Test("NaN or inf in the features is a thrown error naming row and column, not a crash")
    func nanFeatures() throws {
        var (x, y) = try Self.blobs(30, seed: 5)
        x[7, 2] = .nan
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [4], outputs: 3))
        let trainer = Trainer(config: TrainerConfig(epochs: 1, loss: SoftmaxCrossEntropy()))
        do {
            try trainer.fit(model, features: x, targets: .classIndices(y))
            Issue.record("expected an error")
        } catch let e as LogitsError {
            #expect(e.description.contains("row 7, column 2"), "\(e)")
        }
        x[7, 2] = .infinity
        #expect(throws: LogitsError.self) { try trainer.fit(model, features: x, targets: .classIndices(y)) }
    }

    @Test("Out-of-range labels, wrong target shapes and bad options are rejected before training")
    func badTargets() throws {
        let (x, y) = try Self.blobs(30, seed: 5)
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [4], outputs: 3))
        let trainer = Trainer(config: TrainerConfig(epochs: 1, loss: SoftmaxCrossEntropy()))
        var bad = y; bad[4] = 3
        #expect(throws: LogitsError.invalidValue("targets row 4 has class 3, expected 0..<3")) {
            try trainer.fit(model, features: x, targets: .classIndices(bad))
        }
        #expect(throws: LogitsError.self) { try trainer.fit(model, features: x, targets: .classIndices(Array(y.dropLast()))) }
        #expect(throws: LogitsError.self) {
            try trainer.fit(model, features: x, targets: .matrix(Matrix(rows: 30, cols: 3, repeating: 2)))
        }
        #expect(throws: LogitsError.self) {
            try Trainer(config: TrainerConfig(epochs: 0, loss: SoftmaxCrossEntropy())).fit(model, features: x, targets: .classIndices(y))
        }
    }

    /// Delegates to softmax-CE but reports NaN from call `failAt` on (simulates divergence).
    struct FailingLoss: TrainingLoss {
        let calls = Script([])
        let failAt: Int
        init(failAt: Int) { self.failAt = failAt }
        func lossAndGradient(logits: Matrix, targets: Targets, gradient: inout Matrix) throws -> Float {
            let l = try SoftmaxCrossEntropy().lossAndGradient(logits: logits, targets: targets, gradient: &gradient)
            let k = calls.count()
            return k >= failAt ? .nan : l
        }
    }

    @Test("A loss that becomes NaN stops training with nonFinite naming epoch and batch; the best weights are kept")
    func divergence() throws {
        let (x, y) = try Self.blobs(60, seed: 6)
        let (vx, vy) = try Self.blobs(30, seed: 7)
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [6], outputs: 3), seed: 3)
        // 3 batches per epoch + 1 validation call per epoch: call 10 is epoch 3, batch 2.
        let config = TrainerConfig(epochs: 5, batchSize: 20, learningRate: 0.01, loss: FailingLoss(failAt: 10),
                                   validation: .given(features: vx, targets: .classIndices(vy)), patience: 5)
        var improvedWeights: [NamedTensor] = []
        do {
            try Trainer(config: config).fit(model, features: x, targets: .classIndices(y)) { event in
                if case .epoch(let r) = event, r.improved { improvedWeights = model.stateDict() }
            }
            Issue.record("expected nonFinite")
        } catch let LogitsError.nonFinite(message) {
            #expect(message.contains("epoch 3, batch 2 of 3"), "\(message)")
        }
        #expect(!improvedWeights.isEmpty)
        #expect(model.stateDict() == improvedWeights)
    }

    final class Script: @unchecked Sendable {
        let lock = NSLock()
        var values: [Double]
        init(_ v: [Double]) { values = v }
        var calls = 0
        func next() -> Double { lock.lock(); defer { lock.unlock() }; return values.removeFirst() }
        func count() -> Int { lock.lock(); defer { lock.unlock() }; calls += 1; return calls }
    }

    @Test("Early stopping on a metric (mode max, patience 2) stops and restores the best epoch's weights")
    func earlyStopping() throws {
        let (x, y) = try Self.blobs(60, seed: 8)
        let (vx, vy) = try Self.blobs(30, seed: 9)
        let script = Script([0.5, 0.7, 0.6, 0.65, 0.9, 0.95])
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [6], outputs: 3), seed: 4)
        let config = TrainerConfig(
            epochs: 6, batchSize: 16, loss: SoftmaxCrossEntropy(), validation: .given(features: vx, targets: .classIndices(vy)),
            monitor: .metric(name: "scripted", mode: .max, compute: { _, _ in script.next() }), patience: 2)
        var epochWeights: [Int: [NamedTensor]] = [:]
        var batchEvents = 0
        let result = try Trainer(config: config).fit(model, features: x, targets: .classIndices(y)) { event in
            switch event {
            case .epoch(let r): epochWeights[r.epoch] = model.stateDict()
            case .batch(_, _, let batches, let loss, let sps):
                batchEvents += 1
                #expect(batches == 4 && loss.isFinite && sps > 0)
            case .refit: Issue.record("no refit was asked for")
            }
        }
        #expect(result.stoppedEarly)
        #expect(result.history.count == 4)
        #expect(result.history.map(\.improved) == [true, true, false, false])
        #expect(result.bestEpoch == 2 && result.bestMetric == 0.7)
        #expect(batchEvents == 16)
        #expect(model.stateDict() == epochWeights[2])
        #expect(model.stateDict() != epochWeights[4])
    }

    @Test("Validation loss monitoring records val loss each epoch; cosine + warm-up schedule and clipping run")
    func validationLoss() throws {
        let (x, y) = try Self.blobs(90, seed: 10)
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [8], outputs: 3, activation: .gelu, layerNorm: true), seed: 5)
        let config = TrainerConfig(epochs: 5, batchSize: 10, learningRate: 0.01, optimizer: .adamW(),
                                   schedule: .warmup(steps: 5, then: .cosine(minimum: 0)), loss: SoftmaxCrossEntropy(),
                                   validation: .fraction(0.3), clipNorm: 1, reportBatches: false)
        let r = try Trainer(config: config).fit(model, features: x, targets: .classIndices(y))
        #expect(r.history.allSatisfy { (e: EpochRecord) in e.validationLoss != nil && e.metric == e.validationLoss })
        #expect(r.history.last!.validationLoss! < r.history.first!.validationLoss!)
        #expect(r.history.last!.learningRate < 0.001)
    }

    @Test("Events can be consumed as an AsyncStream")
    func eventStream() async throws {
        let (x, y) = try Self.blobs(40, seed: 13)
        let model = try MLP(spec: MLPSpec(inputs: 4, hidden: [4], outputs: 3), seed: 1)
        let (events, continuation) = TrainingEvent.stream()
        try Trainer(config: TrainerConfig(epochs: 2, batchSize: 20, loss: SoftmaxCrossEntropy()))
            .fit(model, features: x, targets: .classIndices(y)) { continuation.yield($0) }
        continuation.finish()
        var batches = 0, epochs: [Int] = []
        for await e in events {
            switch e {
            case .batch: batches += 1
            case .epoch(let r): epochs.append(r.epoch)
            case .refit: Issue.record("no refit was asked for")
            }
        }
        #expect(batches == 4 && epochs == [1, 2])
    }
}

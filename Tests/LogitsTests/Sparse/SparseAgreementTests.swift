import Foundation
import Testing
@testable import Logits

/// The committed sparse fixtures (first 256 training rows of bibtex and delicious, see
/// `Tests/Fixtures/sparse/README.md`) and the full files in ../shared/data when present.
enum SparseFixtures {
    static func path(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sparse -> LogitsTests -> Tests
        return url.appendingPathComponent("Fixtures/sparse/\(name)").path
    }

    /// (file, label count) of the two data sets.
    static let sets: [(fixture: String, shared: String, labels: Int)] = [
        ("bibtex-256.arff", "bibtex/bibtex-train.arff", 159),
        ("delicious-256.arff", "delicious/delicious-train.arff", 983),
    ]

    /// The same file loaded as CSR and dense.
    static func load(_ path: String, labels: Int) throws -> (sparse: Dataset, dense: Dataset) {
        var options = LoadOptions(labels: .trailing(labels))
        options.storage = .sparse
        let sparse = try Dataset.load(from: path, options: options)
        options.storage = .dense
        return (sparse, try Dataset.load(from: path, options: options))
    }
}

/// Sparse and dense input agree: forward outputs and parameter gradients within 1e-5 relative
/// after one optimizer step from the same seed, and the per-batch training losses of one epoch
/// within 1e-4 relative.
@Suite struct SparseAgreementTests {
    /// max |a - b| / max |b| over the tensor (0 when both are zero).
    static func relative(_ a: Matrix, _ b: Matrix) -> Float {
        precondition(a.rows == b.rows && a.cols == b.cols)
        var diff: Float = 0, scale: Float = 0
        for i in 0..<a.count {
            diff = max(diff, abs(a.storage[i] - b.storage[i]))
            scale = max(scale, abs(b.storage[i]))
        }
        return scale == 0 ? diff : diff / scale
    }

    /// Forward, gradients, one Adam step, and a second batch (other columns: the sparse gradient
    /// must zero the columns of the first batch) — sparse vs dense on rows `rows` of `data`, with
    /// the sparse model's first layer stored in `layout` and, when `centred`, the input shifted by
    /// its column means (`X − 1sᵀ` densified for the dense model).
    static func checkStep(_ data: (sparse: Dataset, dense: Dataset), name: String,
                          layout: Dense.WeightLayout = .outputsByInputs, centred: Bool = false) throws {
        #expect(data.sparse.isSparse && !data.dense.isSparse)
        let x = try #require(data.sparse.sparseFeatures)
        #expect(try x.toDense() == data.dense.features, "\(name): CSR load equals the dense load")
        #expect(data.sparse.targets == data.dense.targets)
        guard case .matrix(let y) = data.dense.targets else { Issue.record("expected a label matrix"); return }
        let spec = MLPSpec(inputs: x.cols, hidden: [64, 32], outputs: y.cols)
        let dense = try MLP(spec: spec, seed: 7), sparse = try MLP(spec: spec, seed: 7)
        let first = try #require(sparse.firstDense)
        first.setWeightLayout(layout)
        #expect(first.weightLayout == layout && first.weight.isStoredTransposed == (layout == .inputsByOutputs))
        // Column means as the shift; the dense model sees the centred matrix.
        var shift: [Float]? = nil
        var denseFeatures = data.dense.features
        if centred {
            let f = data.dense.features
            var means = [Float](repeating: 0, count: f.cols)
            for r in 0..<f.rows { for c in 0..<f.cols { means[c] += f[r, c] / Float(f.rows) } }
            for r in 0..<f.rows { for c in 0..<f.cols { denseFeatures[r, c] = f[r, c] - means[c] } }
            shift = means
        }
        /// `p` in PyTorch's layout (the transposed first weight turned back).
        func canonical(_ p: Parameter, _ m: Matrix) -> Matrix { p.isStoredTransposed ? m.transposed() : m }
        let loss = SigmoidBinaryCrossEntropy()
        let adamDense = try OptimizerConfig.adam().makeOptimizer(), adamSparse = try OptimizerConfig.adam().makeOptimizer()
        for (step, rows) in [Array(0..<64), Array(100..<164), Array(0..<64)].enumerated() {
            let xd = denseFeatures.gatherRows(rows), xs = x.gatherRows(rows), yb = Targets.matrix(y.gatherRows(rows))
            try dense.forwardTraining(xd)
            try sparse.forwardTraining(.sparse(xs), inputShift: shift)
            let last = dense.workspace.outputs.count - 1
            #expect(relative(sparse.workspace.outputs[last], dense.workspace.outputs[last]) <= 1e-5, "\(name) step \(step): logits")
            _ = try loss.lossAndGradient(logits: dense.workspace.outputs[last], targets: yb, gradient: &dense.workspace.gradients[last])
            _ = try loss.lossAndGradient(logits: sparse.workspace.outputs[last], targets: yb, gradient: &sparse.workspace.gradients[last])
            try dense.backward(input: xd)
            try sparse.backward(input: .sparse(xs), inputShift: shift)
            for (p, q) in zip(sparse.parameters, dense.parameters) {
                #expect(relative(canonical(p, p.gradient), q.gradient) <= 1e-5, "\(name) step \(step): gradient of \(p.name)")
            }
            adamDense.step(dense.parameters, learningRate: 1e-3)
            adamSparse.step(sparse.parameters, learningRate: 1e-3)
            // Adam divides each gradient by its own magnitude, so on centred input (a rank-1 term
            // that leaves some gradients near zero, rounded differently on the two paths) the
            // weights after a step agree to 1e-4 rather than the gradients' 1e-5.
            let stepTolerance: Float = centred ? 1e-4 : 1e-5
            for (p, q) in zip(sparse.parameters, dense.parameters) {
                #expect(relative(canonical(p, p.value), q.value) <= stepTolerance, "\(name) step \(step): \(p.name) after the step")
            }
        }
        // The state dict is in PyTorch's layout whatever the storage.
        for (a, b) in zip(sparse.stateDict(), dense.stateDict()) {
            let va = try Matrix(rows: 1, cols: a.values.count, storage: a.values)
            let vb = try Matrix(rows: 1, cols: b.values.count, storage: b.values)
            #expect(a.shape == b.shape && relative(va, vb) <= (centred ? 1e-4 : 1e-5), "\(name): state dict \(a.name)")
        }
        first.setWeightLayout(.outputsByInputs)
        #expect(relative(first.weight.value, dense.parameters[0].value) <= (centred ? 1e-4 : 1e-5), "\(name): layout turned back")
    }

    /// One epoch of `Trainer.fit` (batch 32, shuffled): per-batch losses and the epoch loss.
    static func checkEpoch(_ data: (sparse: Dataset, dense: Dataset), name: String) throws {
        let spec = MLPSpec(inputs: data.dense.featureCount, hidden: [64], outputs: data.dense.task.outputCount)
        var losses: [String: [Double]] = [:]
        var final: [String: [Matrix]] = [:]
        for (kind, features) in [("dense", data.dense.featureMatrix), ("sparse", data.sparse.featureMatrix)] {
            let model = try MLP(spec: spec, seed: 3)
            let config = TrainerConfig(epochs: 1, batchSize: 32, loss: SigmoidBinaryCrossEntropy(), seed: 5, reportBatches: true)
            var batchLosses: [Double] = []
            let result = try Trainer(config: config).fit(model, features: features, targets: data.dense.targets) { event in
                if case .batch(_, _, _, let loss, _) = event { batchLosses.append(loss) }
            }
            batchLosses.append(result.history[0].trainLoss)
            losses[kind] = batchLosses
            final[kind] = model.parameters.map(\.value)
        }
        let d = try #require(losses["dense"]), s = try #require(losses["sparse"])
        #expect(d.count == s.count && d.count > 2)
        for (a, b) in zip(s, d) { #expect(abs(a - b) <= 1e-4 * abs(b), "\(name): loss \(a) sparse vs \(b) dense") }
        for (a, b) in zip(final["sparse"]!, final["dense"]!) { #expect(relative(a, b) <= 1e-4, "\(name): weights after the epoch") }
    }

    @Test(arguments: SparseFixtures.sets.map(\.fixture))
    func fixtureStepAgrees(_ fixture: String) throws {
        let labels = SparseFixtures.sets.first { $0.fixture == fixture }!.labels
        let data = try SparseFixtures.load(SparseFixtures.path(fixture), labels: labels)
        for layout in [Dense.WeightLayout.outputsByInputs, .inputsByOutputs] {
            for centred in [false, true] {
                try Self.checkStep(data, name: "\(fixture) \(layout) centred \(centred)", layout: layout, centred: centred)
            }
        }
    }

    @Test(arguments: SparseFixtures.sets.map(\.fixture))
    func fixtureEpochAgrees(_ fixture: String) throws {
        let labels = SparseFixtures.sets.first { $0.fixture == fixture }!.labels
        try Self.checkEpoch(try SparseFixtures.load(SparseFixtures.path(fixture), labels: labels), name: fixture)
    }

    /// The full training files (first 512 rows, for test time), when ../shared/data is present.
    @Test(.enabled(if: DataTestSupport.hasSharedData, "needs ../shared/data"), arguments: SparseFixtures.sets.map(\.shared))
    func fullFileAgrees(_ file: String) throws {
        let labels = SparseFixtures.sets.first { $0.shared == file }!.labels
        let full = try SparseFixtures.load(DataTestSupport.shared(file), labels: labels)
        #expect(full.sparse.count > 4000)
        let rows = Array(0..<512)
        let subset = (full.sparse.subset(rows: rows), full.dense.subset(rows: rows))
        try Self.checkStep(subset, name: file)
        try Self.checkEpoch(subset, name: file)
    }
}

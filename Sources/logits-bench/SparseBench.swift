import ArgumentParser
import Foundation
import Logits

/// `logits-bench sparse`: the first layer alone on real sparse batches (bibtex or delicious
/// training rows, CSR, as loaded): the sparse forward `X Wᵀ` and weight gradient `δᵀX` in both
/// weight layouts (`out x in` as stored, `in x out` as trained), next to the dense GEMMs of the
/// same batch (`X` densified). Wall time per batch, the median over the batches of one epoch
/// and repeats, and the multiply-add rate (`2 · nnz · out` flops per sparse product, `2 · B · D · out`
/// per dense one). The sparse timings include building the batch's column grouping only in the
/// forward; the gradients are timed alone (activation backward and bias sums included).
struct SparseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse",
        abstract: "First-layer sparse kernels (both weight layouts) vs dense GEMM on real CSR batches.")

    @Option(help: "Data set: bibtex or delicious.") var config = "bibtex"
    @Option(help: "Outputs of the first layer.") var hidden = 512
    @Option(help: "Rows per batch.") var batch = 128
    @Option(help: "Comma-separated thread counts.") var threads = "1,2"
    @Option(help: "Passes over the batches; the median batch time is reported.") var repeats = 5
    @Option(help: "Data root (default: ../shared/data from the package root, or $LOGITS_DATA_DIR).") var dataDir: String?
    @Flag(help: "Print JSON rows.") var json = false

    struct Row: Codable {
        let config: String, kernel: String, threads: Int
        let ms_per_batch: Double, gflops: Double
    }

    func validate() throws {
        guard ["bibtex", "delicious"].contains(config) else { throw ValidationError("--config must be bibtex or delicious, got '\(config)'") }
        guard hidden >= 1, batch >= 1, repeats >= 1 else { throw ValidationError("--hidden, --batch and --repeats must be at least 1") }
        _ = try threadCounts()
    }

    func threadCounts() throws -> [Int] {
        let t = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !t.isEmpty, t.allSatisfy({ ($0 ?? 0) >= 1 }) else { throw ValidationError("--threads must be positive integers, got '\(threads)'") }
        return t.compactMap { $0 }
    }

    func run() throws {
        var root = TrainBench()
        root.dataDir = dataDir
        let labels = config == "bibtex" ? 159 : 983
        var options = LoadOptions(labels: .trailing(labels))
        options.storage = .sparse
        let data = try Dataset.load(from: "\(try root.dataRoot())/\(config)/\(config)-train.arff", options: options)
        guard let x = data.sparseFeatures else { throw ValidationError("\(config) did not load as CSR") }
        var rng = SeededGenerator(seed: 1)
        let order = Array(0..<x.rows).shuffled(using: &rng)
        let batches = stride(from: 0, to: order.count, by: batch).map { Array(order[$0..<min($0 + batch, order.count)]) }
        let sparseBatches = batches.map { x.gatherRows($0) }
        let denseBatches = try sparseBatches.map { try $0.toDense() }
        var layerRng = SeededGenerator(seed: 2)
        let layer = Dense(inputs: x.cols, outputs: hidden, initializer: .pytorchDefault, rng: &layerRng)
        let columns = SparseBatchColumns()
        var y = Matrix(rows: 0, cols: hidden), dy = Matrix(rows: 0, cols: hidden), dx = Matrix(rows: 0, cols: 0)
        var rows: [Row] = []
        let nnz = sparseBatches.map(\.nnz)
        for t in try threadCounts() {
            Threading.threadCount = t
            /// Times `body(i)` for every batch `i`, after an untimed `prepare(i)`.
            func time(_ name: String, flops: (Int) -> Double, prepare: (Int) throws -> Void = { _ in },
                      _ body: (Int) throws -> Void) throws {
                var ms: [Double] = [], rate: [Double] = []
                for i in batches.indices { try prepare(i); try body(i) }  // warm up
                for _ in 0..<repeats {
                    for i in batches.indices {
                        try prepare(i)
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        try body(i)
                        let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                        ms.append(s * 1e3)
                        rate.append(flops(i) / s / 1e9)
                    }
                }
                ms.sort(); rate.sort()
                rows.append(Row(config: config, kernel: name, threads: t, ms_per_batch: ms[ms.count / 2], gflops: rate[rate.count / 2]))
            }
            let sparseFlops = { (i: Int) in 2.0 * Double(nnz[i]) * Double(hidden) }
            let denseFlops = { (i: Int) in 2.0 * Double(sparseBatches[i].rows) * Double(x.cols) * Double(hidden) }
            try time("column grouping (build)", flops: sparseFlops) { i in columns.build(sparseBatches[i]) }
            for layout in [Dense.WeightLayout.outputsByInputs, .inputsByOutputs] {
                layer.setWeightLayout(layout)
                let tag = layout == .outputsByInputs ? "out x in" : "in x out"
                try time("sparse forward (\(tag))", flops: sparseFlops) { i in
                    columns.build(sparseBatches[i])
                    try layer.forward(sparse: columns, into: &y)
                }
                try time("sparse weight gradient (\(tag))", flops: sparseFlops, prepare: { i in
                    columns.build(sparseBatches[i])
                    try layer.forward(sparse: columns, into: &y)
                    dy = y
                }) { _ in
                    try layer.backward(sparse: columns, output: y, outputGradient: &dy)
                }
            }
            layer.setWeightLayout(.outputsByInputs)
            try time("dense forward (GEMM)", flops: denseFlops) { i in
                try layer.forward(denseBatches[i], into: &y, training: true)
            }
            try time("dense weight gradient (GEMM)", flops: denseFlops, prepare: { i in
                try layer.forward(denseBatches[i], into: &y, training: true)
                dy = y
            }) { i in
                try layer.backward(input: denseBatches[i], output: y, outputGradient: &dy, inputGradient: &dx, computeInputGradient: false)
            }
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(rows), as: UTF8.self))
            return
        }
        let mean = Double(nnz.reduce(0, +)) / Double(nnz.count)
        print("\(config): \(x.rows) rows x \(x.cols) columns, batches of \(batch) (\(Int(mean)) stored values each), \(hidden) outputs; backend \(Gemm.effectiveSelection.backend.name)")
        for r in rows {
            print("  \(r.kernel.padding(toLength: 36, withPad: " ", startingAt: 0)) \(r.threads) thread(s)  "
                  + String(format: "%8.3f ms/batch  %7.1f GFLOP/s", r.ms_per_batch, r.gflops))
        }
    }
}

import ArgumentParser
import Foundation
import Logits
import LogitsMetrics

/// `logits-bench train`: training speed (samples/s) on the PyTorch peer presets, and, with
/// `--quality`, test-set quality of the default training settings over several seeds.
///
/// Speed presets (same as `shared/peers/torch_mlp.py --bench`): yeast 103-256-14 batch 64, 30 epochs;
/// fashion-mnist / mnist 784-512-256-10 batch 128, 10 epochs; delicious 500-512-256-983 and bibtex
/// 1836-512-256-159 batch 128, 10 epochs. Adam lr 1e-3, PyTorch default init, no validation,
/// no dropout. Time = the training loop only (data loading, standardisation and model construction
/// excluded); samples/s = rows × epochs / seconds, median over `--repeats` trainings.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training samples/s on the PyTorch presets (--quality: test metrics of the default settings).")

    @Flag(help: "Print JSON: an array of {\"config\",\"samples_per_s\",\"seconds\",\"epochs\"} (speed) or metric objects (quality).")
    var json = false

    @Option(help: "Comma-separated configs: yeast, fashion-mnist, mnist, delicious, bibtex (default: yeast,fashion-mnist,delicious).")
    var config = "yeast,fashion-mnist,delicious"

    @Option(help: "Epochs (default: the preset's 30/10/10; fewer for a quick run).")
    var epochs: Int?

    @Option(help: "Timed trainings per config; the median is reported (default 5 for yeast, 1 otherwise).")
    var repeats: Int?

    @Option(help: "GEMM/kernel threads.")
    var threads = 2

    @Flag(help: "Profile the training steps (TrainingProfile): seconds per epoch in data gather, GEMM, other forward/backward, loss, optimizer.")
    var profile = false

    @Option(help: "Data root (default: ../shared/data from the package root, or $LOGITS_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Features for the speed run: dense (the peer's standardized matrix), sparse (CSR, uncentred scaling) or both (the same uncentred data as CSR and dense, epoch times compared).")
    var input: InputChoice = .dense

    @Flag(help: "Quality mode: train with the default settings and report test metrics per seed and their mean.")
    var quality = false

    @Option(help: "Quality mode: comma-separated seeds.")
    var seeds = "0,1,2"

    // Quality-mode overrides of the default settings (for tuning).
    @Option(help: "Hidden widths, e.g. 256 or 512,256.") var hidden: String?
    @Option(help: "Dropout after each hidden activation.") var dropout: Float?
    @Option(help: "Learning rate.") var lr: Float?
    @Option(help: "Weight decay (AdamW, decoupled).") var weightDecay: Float?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "Validation fraction for early stopping (0 = none).") var valFraction: Double?
    @Option(help: "Early-stopping patience in epochs.") var patience: Int?
    @Option(help: "Activation: relu, gelu, tanh, leaky.") var activation: String?
    @Option(help: "Loss for multi-label sets: bce, focal, asl, softmargin.") var loss: String?
    @Option(help: "Learning-rate schedule: constant or cosine.") var schedule: String?
    @Flag(help: "Refit on all rows for the best epoch count after early stopping.") var refit = false
    @Flag(help: "No refit after early stopping.") var noRefit = false

    func validate() throws {
        if let e = epochs, e < 1 { throw ValidationError("--epochs must be >= 1") }
        if let r = repeats, r < 1 { throw ValidationError("--repeats must be >= 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
    }

    struct SpeedRow: Codable {
        let config: String
        let samples_per_s: Double
        let seconds: Double
        let epochs: Int
        let backend: String
        let threads: Int
        let runs: [Double]
        /// CPU model and `CPULevel` in effect; why the backend was chosen.
        var cpu: String = ""
        var selection: String = ""
        /// With `--profile`: seconds per epoch by phase (`TrainingProfile.Phase` labels).
        var profile_s_per_epoch: [String: Double]?
    }

    /// `swift/KERNEL` for the Swift driver, else the backend's name.
    static var backendLabel: String {
        let backend = Gemm.shared
        if let swift = backend as? SwiftGemm { return "swift/\(swift.kernel.rawValue)" }
        return backend.name
    }

    func run() throws {
        Threading.threadCount = threads
        let root = try dataRoot()
        var speedRows: [SpeedRow] = []
        var qualityRows: [[String: Double]] = []
        for name in config.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            guard let preset = Preset.named(name) else {
                throw ValidationError("unknown config '\(name)'; expected yeast, fashion-mnist, mnist, delicious, bibtex")
            }
            if name == "eurlex-synthetic" {
                try EurlexBench(threads: threads, epochs: epochs).run(root: root)
                continue
            }
            if quality {
                for row in try runQuality(preset, root: root) { qualityRows.append(row) }
            } else if input != .dense {
                let data = try SparseBenchData.load(preset, root: root)
                var times: [String: Double] = [:]
                for kind in input == .both ? [InputChoice.sparse, .dense] : [input] {
                    let row = try runSpeed(preset, data.benchData(kind == .sparse ? data.sparse : .dense(try data.sparse.denseCopy())),
                                           label: "\(preset.name) (\(kind.rawValue) input, uncentred, density \(String(format: "%.4f", data.density)))")
                    times[kind.rawValue] = row.seconds / Double(row.epochs)
                    speedRows.append(row)
                }
                if let s = times["sparse"], let d = times["dense"], !json {
                    print("\(preset.name): epoch \(String(format: "%.3f", s)) s sparse vs \(String(format: "%.3f", d)) s dense: sparse \(String(format: "%.2f", d / s))x faster")
                }
            } else {
                speedRows.append(try runSpeed(preset, try BenchData.load(preset, root: root)))
            }
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            let out = quality ? try enc.encode(qualityRows) : try enc.encode(speedRows)
            print(String(decoding: out, as: UTF8.self))
        }
    }

    func dataRoot() throws -> String {
        if let d = dataDir { return d }
        if let d = ProcessInfo.processInfo.environment["LOGITS_DATA_DIR"] { return d }
        // Sources/logits-bench/TrainBench.swift -> package root -> ../shared/data
        let pkg = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [pkg.appendingPathComponent("../shared/data").standardized.path, "../shared/data", "/work/shared/data"]
        for c in candidates where FileManager.default.fileExists(atPath: c) { return c }
        throw ValidationError("data directory not found (tried \(candidates)); pass --data-dir")
    }

    // MARK: - Speed

    func runSpeed(_ p: Preset, _ d: BenchData, label: String? = nil) throws -> SpeedRow {
        let ep = epochs ?? p.epochs
        let reps = repeats ?? (p.name == "yeast" ? 5 : 1)
        var runs: [Double] = []
        if profile {
            TrainingProfile.reset()
            TrainingProfile.isEnabled = true
        }
        for _ in 0..<reps {
            let model = try MLP(spec: MLPSpec(inputs: d.input?.cols ?? d.train.cols, hidden: p.hidden, outputs: d.outputs), seed: 0)
            let cfg = TrainerConfig(epochs: ep, batchSize: p.batch, learningRate: 1e-3, optimizer: .adam(),
                                    loss: d.loss, seed: 0, reportBatches: false)
            let start = DispatchTime.now().uptimeNanoseconds
            try Trainer(config: cfg).fit(model, features: d.input ?? .dense(d.train), targets: d.trainTargets)
            runs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        var phases: [String: Double]?
        if profile {
            TrainingProfile.isEnabled = false
            phases = printProfile(p, epochs: Double(ep * reps))
        }
        let sorted = runs.sorted()
        let median = sorted[sorted.count / 2]
        let rows = d.input?.rows ?? d.train.rows
        let sps = Double(rows * ep) / median
        if !json {
            print("\(label ?? p.name): \(Int(sps)) samples/s, \(String(format: "%.3f", median)) s for \(ep) epochs "
                  + "(median of \(reps); backend \(Self.backendLabel), \(threads) threads)")
        }
        return SpeedRow(config: p.name, samples_per_s: sps, seconds: median, epochs: ep, backend: Self.backendLabel,
                        threads: threads, runs: runs.map { Double(rows * ep) / $0 },
                        cpu: Gemm.effectiveSelection.cpu, selection: Gemm.effectiveSelection.reason,
                        profile_s_per_epoch: phases)
    }

    /// Prints (unless `--json`) and returns the profile as seconds per epoch.
    func printProfile(_ p: Preset, epochs: Double) -> [String: Double] {
        let snap = TrainingProfile.snapshot()
        let total = snap[.total] ?? 0
        let shown: [TrainingProfile.Phase] = [.data, .gemmForward, .forwardOther, .loss, .gemmBackward, .backwardOther, .optimizer, .other, .total]
        var out: [String: Double] = [:]
        if !json { print("\(p.name) profile (\(threads) threads), per epoch:") }
        for phase in shown {
            let s = (snap[phase] ?? 0) / max(1, epochs)
            out[phase.label] = s
            if !json {
                let share = total > 0 ? 100 * (snap[phase] ?? 0) / total : 0
                print("  " + phase.label.padding(toLength: 32, withPad: " ", startingAt: 0)
                      + String(format: "%8.1f ms  %5.1f %%", 1000 * s, share))
            }
        }
        return out
    }

}

struct Preset {
    let name: String
    let hidden: [Int]
    let epochs: Int
    let batch: Int

    static func named(_ n: String) -> Preset? {
        switch n {
        case "yeast": return Preset(name: n, hidden: [256], epochs: 30, batch: 64)
        case "fashion-mnist", "mnist": return Preset(name: n, hidden: [512, 256], epochs: 10, batch: 128)
        case "delicious", "bibtex": return Preset(name: n, hidden: [512, 256], epochs: 10, batch: 128)
        case "eurlex-synthetic": return Preset(name: n, hidden: [512, 256], epochs: 1, batch: 128)
        default: return nil
        }
    }
}

/// Train/test matrices of a preset, prepared as the PyTorch peer does: ARFF features standardised
/// with the train mean/std, image pixels scaled to [0, 1].
struct BenchData {
    var train: Matrix
    var trainTargets: Targets
    var test: Matrix
    var testTargets: Targets
    var outputs: Int
    var task: ClassificationTask
    var loss: any TrainingLoss
    /// Training features to use instead of `train` (the sparse / dense comparison).
    var input: FeatureMatrix? = nil

    static func load(_ p: Preset, root: String) throws -> BenchData {
        let dir = root + "/" + p.name
        if p.name.contains("mnist") {
            // The library's IDX loader (pixels / 255, labels file found by the standard naming).
            let tr = try Dataset.load(from: dir + "/train-images-idx3-ubyte.gz")
            let te = try Dataset.load(from: dir + "/t10k-images-idx3-ubyte.gz")
            return BenchData(train: tr.features, trainTargets: tr.targets, test: te.features, testTargets: te.targets,
                             outputs: 10, task: .multiClass(classes: 10), loss: SoftmaxCrossEntropy())
        }
        var dense = LoadOptions()
        dense.storage = .dense  // the peer's dense, standardized matrices
        let tr = try Dataset.load(from: dir + "/\(p.name)-train.arff", options: dense)
        let te = try Dataset.load(from: dir + "/\(p.name)-test.arff", options: dense)
        let std = try Standardizer(fitting: tr.features)
        return BenchData(train: try std.transform(tr.features), trainTargets: tr.targets,
                         test: try std.transform(te.features), testTargets: te.targets,
                         outputs: tr.task.outputCount, task: tr.task, loss: SigmoidBinaryCrossEntropy())
    }
}

/// `--input`: the feature storage of a speed run.
enum InputChoice: String, ExpressibleByArgument, CaseIterable {
    case dense, sparse, both
}

/// A preset's training set as CSR, scaled without centring (`FeatureScaling(fitting: SparseMatrix)`),
/// so that the sparse and the dense run see the very same values.
struct SparseBenchData {
    var sparse: FeatureMatrix
    var targets: Targets
    var task: ClassificationTask
    var density: Double

    static func load(_ p: Preset, root: String) throws -> SparseBenchData {
        var options = LoadOptions()
        options.storage = .sparse
        let tr = try Dataset.load(from: root + "/\(p.name)/\(p.name)-train.arff", options: options)
        guard var x = tr.sparseFeatures else { throw ValidationError("\(p.name): not loaded as CSR") }
        let scaling = try FeatureScaling(fitting: x)
        var divisors = [Float](repeating: .greatestFiniteMagnitude, count: x.cols)
        for (k, c) in scaling.kept.enumerated() { divisors[c] = scaling.scale[k] }
        try x.divideColumns(by: divisors)
        return SparseBenchData(sparse: .sparse(x), targets: tr.targets, task: tr.task, density: x.density)
    }

    func benchData(_ input: FeatureMatrix) -> BenchData {
        BenchData(train: Matrix(rows: 0, cols: input.cols), trainTargets: targets, test: Matrix(rows: 0, cols: input.cols),
                  testTargets: targets, outputs: task.outputCount, task: task, loss: SigmoidBinaryCrossEntropy(), input: input)
    }
}

extension FeatureMatrix {
    /// The dense copy (bench data only).
    func denseCopy() throws -> Matrix {
        switch self {
        case .dense(let m): return m
        case .sparse(let s): return try s.toDense()
        }
    }
}

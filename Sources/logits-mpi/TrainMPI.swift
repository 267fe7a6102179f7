import ArgumentParser
import Foundation
import Logits
import LogitsDistributed

/// `logits-mpi train`: the core options of `logits train`, trained data-parallel over the ranks of
/// an MPI job. All wiring from options to `Dataset`, `MLP`, `TrainerConfig` and `Classifier` is in
/// this file (to be replaced by the shared training recipe of the `logits` CLI).
///
/// Every rank loads the same files, builds the same model (same seed) and the same shuffled
/// batches; `TrainerConfig.distributed` makes each rank compute its slice of every batch and
/// allreduce the gradients (see `DistributedContext`). Rank 0 alone prints and writes the model.
struct TrainMPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP data-parallel on all ranks; rank 0 writes the model (safetensors) and NAME.history.json.",
        discussion: """
        Unset options take the library's TrainingDefaults for the data size, as `logits train` does \
        (no refit on all rows). Each rank uses LOGITS_THREADS GEMM threads, default: the processors \
        divided by the ranks on this node. Progress goes to stderr, the report to stdout (rank 0).
        """)

    @Option(help: "Training data file (ARFF, LIBSVM, CSV or IDX).")
    var data: String

    @Option(help: "Test data file evaluated by rank 0 after training.")
    var test: String?

    @Option(help: "Data format: auto (from the file name), arff, libsvm, csv or idx.")
    var format: String = "auto"

    @Option(help: "Targets: a count N (the last N attributes), comma-separated names, prefix:STR, column:NAME, set:NAME or xml:FILE. Default: the format's.")
    var labels: String?

    @Option(help: "Task: auto, multiclass or multilabel.")
    var task: String = "auto"

    @Option(help: "Hidden layer widths, comma-separated ('none': linear). Default: 256 (up to 10 000 rows), else 512,256.")
    var hidden: String?

    @Option(help: "Dropout probability after each hidden activation (each rank draws its own masks, seeded from (seed, rank)). Default: 0.5 (small data), 0.2 (large).")
    var dropout: Float?

    @Option(help: "Loss: auto (ce for classes, bce for labels), ce, bce, focal, asl or softmargin.")
    var loss: String = "auto"

    @Option(help: "Optimizer: adamw (default), adam or sgd.")
    var optimizer: String = "adamw"

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "Weight decay (decoupled for adamw, L2 for adam/sgd). Default: adamw 2 (small data) or 0.01 (large); adam/sgd 0.")
    var weightDecay: Float?

    @Option(help: "SGD momentum.")
    var momentum: Float = 0.9

    @Option(help: "Maximum number of epochs. Default: 100 (small data), 20 (large).")
    var epochs: Int?

    @Option(help: "Global mini-batch size (split across the ranks). Default: 64 (small data), 128 (large).")
    var batch: Int?

    @Option(help: "Learning-rate schedule: constant or cosine. Default: constant (small data), cosine (large).")
    var schedule: String?

    @Option(help: "Early-stopping patience in epochs (0: never). Default: 12 (small data), 4 (large).")
    var patience: Int?

    @Option(help: "Fraction of the training rows held out for validation (0: none). Default: 0.15 (small data), 0 (large).")
    var validation: Double?

    @Option(help: "Random seed (weights, batch order, validation split; dropout with the rank).")
    var seed: UInt64 = 0

    @Flag(inversion: .prefixedNo, help: "Standardize features with the training mean and standard deviation.")
    var standardize = true

    @Option(help: "Model file to write (rank 0); the history goes next to it as NAME.history.json.")
    var out: String = "model.safetensors"

    @Flag(help: "Train in this process only, without MPI (the one-process reference of the same options).")
    var local = false

    @Flag(help: "Debug: after every epoch, compare a checksum of the weights over all ranks (rank 0 prints it; a mismatch is an error).")
    var checkSync = false

    @Option(help: ArgumentHelp("Debug: make this rank fail in epoch --debug-fail-epoch (tests the failure path).", visibility: .hidden))
    var debugFailRank: Int?

    @Option(help: ArgumentHelp("Debug: the epoch in which --debug-fail-rank fails.", visibility: .hidden))
    var debugFailEpoch: Int = 1

    func validate() throws {
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let batch, batch <= 0 { throw ValidationError("--batch must be positive, got \(batch)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let patience, patience < 0 { throw ValidationError("--patience must be >= 0, got \(patience)") }
        if let validation, !(validation >= 0 && validation < 1) { throw ValidationError("--validation must be in [0, 1), got \(validation)") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be >= 0, got \(weightDecay)") }
        guard DataFormat(rawValue: format) != nil else { throw ValidationError("--format must be one of auto, arff, libsvm, csv, idx; got '\(format)'") }
        guard ["auto", "multiclass", "multilabel"].contains(task) else { throw ValidationError("--task must be auto, multiclass or multilabel; got '\(task)'") }
        guard ["adamw", "adam", "sgd"].contains(optimizer) else { throw ValidationError("--optimizer must be adamw, adam or sgd; got '\(optimizer)'") }
        if let schedule, !["constant", "cosine"].contains(schedule) { throw ValidationError("--schedule must be constant or cosine; got '\(schedule)'") }
        if loss != "auto" { do { _ = try LossKind.parse(loss) } catch { throw ValidationError("--loss: \(error)") } }
        if let hidden { _ = try Self.parseHidden(hidden) }
        if let debugFailRank, debugFailRank < 0 { throw ValidationError("--debug-fail-rank must be >= 0") }
        if debugFailEpoch < 1 { throw ValidationError("--debug-fail-epoch must be >= 1") }
    }

    /// Everything a rank needs to train, built from the files and options before any collective.
    struct Setup {
        var train: Dataset
        var testSet: Dataset?
        var standardizer: Standardizer?
        var model: MLP
        var config: TrainerConfig
        var header: [String]
    }

    func run() throws {
        guard !local else {
            let setup = try prepare()
            try train(setup, context: nil)
            return
        }
        yieldWhenCoresAreShared()
        let mpi = try MPIContext.initialize()
        configureThreads()
        // Setup: every rank loads and checks; all ranks then agree whether to go on, so a rank
        // that cannot read its data ends the job with one message and no rank waits forever.
        var setup: Setup?, failure: Error?
        do { setup = try prepare() } catch { failure = error }
        let failed = try RankValues.gather(failure == nil ? 0 : 1, context: mpi)
        if let first = failed.firstIndex(where: { $0 != 0 }) {
            if first == mpi.rank, let failure {
                FileHandle.standardError.write(Data("error: rank \(mpi.rank) of \(mpi.size): \(MPIExit.message(for: failure))\n".utf8))
            }
            try? mpi.finalize()
            Foundation.exit(MPIExit.userError)
        }
        guard let setup else { mpi.abort(code: MPIExit.userError) }  // not reached: no rank failed, so setup is set
        // Training: a rank that fails now cannot be waited for; it aborts the job (mpirun then
        // ends every rank) after naming itself.
        do {
            try train(setup, context: mpi)
            try mpi.finalize()
        } catch {
            FileHandle.standardError.write(Data("error: rank \(mpi.rank) of \(mpi.size): \(MPIExit.message(for: error)); aborting the job\n".utf8))
            mpi.abort(code: MPIExit.userError)
        }
    }

    /// Ranks on this node (from the launcher's environment; 1 when unknown).
    private var localRanks: Int {
        let env = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"].lazy
            .compactMap { env[$0].flatMap { Int($0) } }.first ?? 1
    }

    /// When the ranks of this node have no spare core, Open MPI's busy-polling in a waiting
    /// collective takes the CPU from the ranks still computing (measured on 2 cores, 2 ranks: 2 460
    /// → 4 613 samples/s). Unless the user chose, ask it to yield (`mpi_yield_when_idle`, read at
    /// `MPI_Init`).
    private func yieldWhenCoresAreShared() {
        guard localRanks >= Threading.activeProcessorCount else { return }
        setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0)  // 0: keeps a value the user set
    }

    /// GEMM threads per rank: `LOGITS_THREADS` if set, else the processors shared by the ranks on this node.
    private func configureThreads() {
        let env = ProcessInfo.processInfo.environment
        guard env["LOGITS_THREADS"] == nil else { return }
        Threading.threadCount = max(1, Threading.activeProcessorCount / max(1, localRanks))
    }

    private func loadOptions() throws -> LoadOptions {
        var options = LoadOptions()
        options.storage = .dense  // data-parallel training runs on dense features
        if let labels {
            let t = labels.trimmingCharacters(in: .whitespaces)
            if let n = Int(t) {
                guard n > 0 else { throw ValidationError("--labels count must be positive, got \(n)") }
                options.labels = .trailing(n)
            } else if t.hasPrefix("xml:") {
                options.labels = .xml(String(t.dropFirst(4)))
            } else if t.hasPrefix("prefix:") {
                options.labels = .prefix(String(t.dropFirst(7)))
            } else if t.hasPrefix("column:") {
                options.labels = .column(String(t.dropFirst(7)), separator: nil)
            } else if t.hasPrefix("set:") {
                options.labels = .column(String(t.dropFirst(4)), separator: "|")
            } else {
                options.labels = .names(t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        }
        if task == "multiclass" { options.task = .multiClass(classes: 0) }
        if task == "multilabel" { options.task = .multiLabel(labels: 0) }
        return options
    }

    private func load(_ path: String) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InputError("data file '\(path)' does not exist or is a directory")
        }
        return try Dataset.load(from: path, format: DataFormat(rawValue: format) ?? .auto, options: loadOptions())
    }

    static func parseHidden(_ text: String) throws -> [Int] {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t == "none" { return [] }
        return try t.split(separator: ",").map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--hidden takes comma-separated positive widths such as 256,128; got '\(text)'")
            }
            return n
        }
    }

    /// Loads the data and builds the model and the trainer configuration (no MPI calls).
    func prepare() throws -> Setup {
        var train = try load(data)
        var testSet = try test.map { try load($0) }
        if let t = testSet {
            guard t.featureCount == train.featureCount, t.labelNames == train.labelNames else {
                throw InputError("test file '\(test ?? "")' has \(t.featureCount) features and labels \(t.labelNames.prefix(5)); the training file \(train.featureCount) and \(train.labelNames.prefix(5))")
            }
        }
        let standardizer = standardize ? try Standardizer(fitting: train.features) : nil
        if let s = standardizer {
            try s.apply(to: &train.features)
            if var t = testSet {
                try s.apply(to: &t.features)
                testSet = t
            }
        }
        let defaults = TrainingDefaults.recommended(rows: train.count, features: train.featureCount)
        let spec = MLPSpec(inputs: train.featureCount, hidden: try hidden.map(Self.parseHidden) ?? defaults.hidden,
                           outputs: train.task.outputCount, dropout: dropout ?? defaults.dropout)
        let model = try MLP(spec: spec, seed: seed)
        let kind = loss == "auto" ? train.task.defaultLossKind : try LossKind.parse(loss)
        let multiClass: Bool
        if case .multiClass = train.task { multiClass = true } else { multiClass = false }
        guard kind.isMultiClass == multiClass else {
            throw InputError("--loss \(loss) does not fit \(multiClass ? "multi-class" : "multi-label") data")
        }
        let lossFunction = try kind.makeLoss(LossOptions())
        let decay: Float
        let optimizerConfig: OptimizerConfig
        switch optimizer {
        case "adam":
            decay = weightDecay ?? 0
            optimizerConfig = .adam(weightDecay: decay)
        case "sgd":
            decay = weightDecay ?? 0
            optimizerConfig = .sgd(momentum: momentum, nesterov: false, weightDecay: decay)
        default:
            decay = weightDecay ?? defaults.weightDecay
            optimizerConfig = .adamW(weightDecay: decay)
        }
        let fraction = validation ?? defaults.validationFraction
        let patienceCount = patience ?? defaults.patience
        let cosine = (schedule ?? (defaults.cosine ? "cosine" : "constant")) == "cosine"
        let config = TrainerConfig(
            epochs: epochs ?? defaults.epochs, batchSize: batch ?? defaults.batchSize, learningRate: lr,
            optimizer: optimizerConfig, schedule: cosine ? .cosine(minimum: 0) : .constant, loss: lossFunction,
            seed: seed, validation: fraction > 0 ? .fraction(fraction) : .none,
            patience: fraction > 0 && patienceCount > 0 ? patienceCount : nil,
            restoreBestWeights: fraction > 0, reportBatches: false)
        let header = [
            "Data: \(data): \(train.count) rows, \(train.featureCount) features, \(train.task.outputCount) outputs"
                + (fraction > 0 ? " (\(Int((fraction * 100).rounded())) % held out for validation)" : ""),
            "Model: MLP \(([spec.inputs] + spec.hidden + [spec.outputs]).map(String.init).joined(separator: "-"))"
                + (spec.dropout > 0 ? ", dropout \(spec.dropout)" : "") + " (\(model.parameterCount) parameters); loss \(kind.rawValue)",
            "Training: \(optimizer) lr \(lr)" + (decay > 0 ? " weight decay \(decay)" : "") + (cosine ? " cosine schedule" : "")
                + ", global batch \(config.batchSize), up to \(config.epochs) epochs, seed \(seed)",
        ]
        return Setup(train: train, testSet: testSet, standardizer: standardizer, model: model, config: config, header: header)
    }

    /// Trains (data-parallel when `context` is set); rank 0 reports and writes the files.
    func train(_ setup: Setup, context: MPIContext?) throws {
        let rank = context?.rank ?? 0, size = context?.size ?? 1
        let root = rank == 0
        var config = setup.config
        let injected = debugFailRank.map { FailureInjection(base: context, failRank: $0, failEpoch: debugFailEpoch) }
        config.distributed = injected ?? context
        let model = setup.model
        if root {
            print((setup.header + ["Ranks: \(size)" + (context == nil ? " (local, no MPI)" : " (MPI), \(Threading.threadCount) GEMM thread(s) each")])
                .joined(separator: "\n"))
        }
        var syncProblem: String?
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try Trainer(config: config).fit(model, features: setup.train.features, targets: setup.train.targets) { event in
            guard case .epoch(let r) = event else { return }
            injected?.epochsDone += 1
            if root {
                let val = r.validationLoss.map { String(format: " val_loss %.6f", $0) } ?? ""
                let line = String(format: "epoch %d/%d train_loss %.6f", r.epoch, config.epochs, r.trainLoss) + val
                    + String(format: " %.1f s %.0f samples/s\n", r.seconds, r.samplesPerSecond)
                FileHandle.standardError.write(Data(line.utf8))
            }
            guard checkSync else { return }
            let mine = ParameterChecksum(model.parameters)
            guard let context else {
                if root { print("epoch \(r.epoch): parameter checksum \(mine) (1 process)") }
                return
            }
            do {
                let all = try mine.gather(context: context)
                if all.allSatisfy({ $0 == all[0] }) {
                    if root { print("epoch \(r.epoch): parameter checksum \(mine) identical on \(size) ranks") }
                } else if syncProblem == nil {
                    syncProblem = "epoch \(r.epoch): parameter checksums differ across ranks: "
                        + all.enumerated().map { "rank \($0.offset) \($0.element)" }.joined(separator: ", ")
                }
            } catch {
                FileHandle.standardError.write(Data("error: rank \(rank) of \(size): \(error)\n".utf8))
                context.abort(code: MPIExit.userError)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let syncProblem { throw InputError(syncProblem) }

        // Throughput over the epochs (validation excluded) and the share of time in collectives.
        let rows = result.history.reduce(0.0) { $0 + $1.samplesPerSecond * $1.seconds }
        let epochSeconds = result.history.reduce(0.0) { $0 + $1.seconds }
        var commLine = ""
        if let context {
            let shares = try RankValues.gather(context.communicationSeconds / max(seconds, 1e-9), context: context)
            commLine = String(format: "; collectives (allreduce, broadcast) %.2f s = %.1f %% of rank 0's training time, mean over ranks %.1f %%",
                              context.communicationSeconds, 100 * shares[0], 100 * shares.reduce(0, +) / Double(size))
        }
        guard root else { return }
        print(String(format: "Trained %d epochs (best %d) in %.2f s: %.0f samples/s on %d rank(s)",
                     result.history.count, result.bestEpoch, seconds, rows / max(epochSeconds, 1e-9), size) + commLine)
        if let t = setup.testSet {
            let logits = try model.logits(t.features)
            var gradient = Matrix(rows: 0, cols: 0)
            let testLoss = try config.loss.lossAndGradient(logits: logits, targets: t.targets, gradient: &gradient)
            var line = String(format: "Test (%d rows): loss %.6f", t.count, testLoss)
            if case .classIndices(let y) = t.targets {
                let hits = zip(Prediction.argmax(logits), y).filter { $0 == $1 }.count
                line += String(format: ", accuracy %.4f", Double(hits) / Double(max(1, y.count)))
            }
            print(line)
        }
        let url = URL(fileURLWithPath: out)
        let classifier = try Classifier(network: model, task: setup.train.task, labelNames: setup.train.labelNames,
                                        featureNames: setup.train.featureNames, standardizer: setup.standardizer)
        try classifier.write(to: url)
        let historyURL = url.deletingPathExtension().appendingPathExtension("history.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(RunRecord(ranks: size, result: result, hyperparameters: setup.header)).write(to: historyURL, options: .atomic)
        print("Saved \(url.path) and \(historyURL.path)")
    }

    /// What `NAME.history.json` holds.
    struct RunRecord: Codable {
        var ranks: Int
        var result: TrainingResult
        var hyperparameters: [String]
    }
}

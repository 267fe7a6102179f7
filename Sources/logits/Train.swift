import ArgumentParser
import Foundation
import Logits
import LogitsMetrics

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an MLP classifier and save it as a safetensors model file.",
        discussion: """
        Without --data, trains on the bundled yeast data set (multi-label, 14 labels, standard \
        1500/917 split) and compares the test metrics with published results. Features are \
        standardized with the training statistics (stored in the model file). Unset options take \
        the library's TrainingDefaults for the data size (up to 10 000 rows: 256 hidden, dropout \
        0.5, AdamW weight decay 3, early stopping on a 15% validation split, then a refit on all \
        rows when there is a test set). Progress goes to stderr (a live bar on a terminal, one \
        line per epoch otherwise); the report goes to stdout.
        """)

    @Option(help: "Training data file (default: the bundled yeast training set).")
    var data: String?

    @Option(help: "Test data file evaluated after training (default with the bundled data: yeast-test).")
    var test: String?

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Hidden layer widths, comma-separated ('none' for a linear model). Default: 256 (up to 10 000 training rows), else 512,256.")
    var hidden: String?

    @Option(help: "Hidden activation: \(ActivationChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: ActivationChoice = .relu

    @Option(help: "Dropout probability after each hidden activation. Default: 0.5 (small data), 0.2 (large).")
    var dropout: Float?

    @Flag(help: "Add a LayerNorm after each hidden Linear.")
    var layerNorm = false

    @Option(help: "Loss: auto (ce for classes, bce for labels), ce, bce, focal, asl (asymmetric) or softmargin.")
    var loss: String = "auto"

    @Option(help: ArgumentHelp("BCE positive weights: none, auto (negatives/positives per label, clamped to [0.01, 100]) or comma-separated numbers.", valueName: "auto|none|w,..."))
    var posWeight: String = "none"

    @Option(help: "Label smoothing of the cross-entropy (multi-class).")
    var labelSmoothing: Float = 0

    @Option(help: "Optimizer: adamw (default), adam or sgd.")
    var optimizer: OptimizerChoice = .adamw

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "Weight decay (decoupled for adamw, L2 for adam/sgd). Default: adamw 2 (small data) or 0.01 (large); adam/sgd 0.")
    var weightDecay: Float?

    @Option(help: "SGD momentum.")
    var momentum: Float = 0.9

    @Option(help: "Maximum number of epochs. Default: 100 (small data), 20 (large).")
    var epochs: Int?

    @Option(help: "Mini-batch size. Default: 64 (small data), 128 (large).")
    var batch: Int?

    @Option(help: "Learning-rate schedule: constant or cosine (to 0 over the run). Default: constant (small data), cosine (large).")
    var schedule: ScheduleChoice?

    @Option(help: "Stop after this many epochs without improvement of the monitored validation value (0: never). Default: 12 (small data), 4 (large).")
    var patience: Int?

    @Option(help: "Validation value for early stopping: loss, or metric (label ranking average precision for multi-label, accuracy for multi-class).")
    var monitor: MonitorChoice = .loss

    @Option(help: "Fraction of the training rows held out for validation / early stopping (0: none). Default: 0.15 (small data), 0 (large).")
    var validation: Double?

    @Flag(inversion: .prefixedNo, help: "After early stopping, retrain from the same initial weights on all training rows for the best epoch count. Default: on for small data with a test set.")
    var refit: Bool?

    @Option(help: "Random seed (weights, dropout, batch order, validation split).")
    var seed: UInt64 = 0

    @Flag(help: "Tune per-label decision thresholds for F1 on the validation rows and store them (multi-label).")
    var tuneThresholds = false

    @Flag(inversion: .prefixedNo, help: "Standardize features with the training mean and standard deviation.")
    var standardize = true

    @Option(help: "Model file to write; the training history goes next to it as NAME.history.json.")
    var out: String = "model.safetensors"

    @Flag(help: "Print the final report as JSON on stdout.")
    var json = false

    func validate() throws {
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let batch, batch <= 0 { throw ValidationError("--batch must be positive, got \(batch)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let patience, patience < 0 { throw ValidationError("--patience must be >= 0, got \(patience)") }
        if let validation, !(validation >= 0 && validation < 1) { throw ValidationError("--validation must be in [0, 1), got \(validation)") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be >= 0, got \(weightDecay)") }
        if loss.lowercased() != "auto" { do { _ = try LossKind.parse(loss) } catch { throw ValidationError("--loss: \(error)") } }
        do { _ = try PosWeightSetting(parsing: posWeight) } catch { throw ValidationError("--pos-weight: \(error)") }
        if test != nil && data == nil { throw ValidationError("--test needs --data (the bundled data set has its own test split)") }
        if let hidden { _ = try parseHidden(hidden) }
    }

    func run() throws {
        // Data.
        let bundled = data == nil
        var train: Dataset, testSet: Dataset?
        let trainName: String, testName: String?
        if let data {
            train = try dataOptions.load(data)
            trainName = data
            testSet = try test.map { try dataOptions.load($0) }
            testName = test
        } else {
            (train, testSet) = try BundledYeast.load()
            trainName = "yeast-train.arff (bundled)"
            testName = "yeast-test.arff (bundled)"
        }
        let task = train.task
        if var t = testSet {
            guard t.featureCount == train.featureCount else {
                throw UserError("test file '\(testName ?? "")' has \(t.featureCount) features, the training file \(train.featureCount)")
            }
            t.targets = try alignTargets(of: t, to: train.labelNames, task: task, source: testName ?? "", against: "the training file")
            t.labelNames = train.labelNames
            t.task = task
            testSet = t
        }
        let standardizer = standardize ? try Standardizer(fitting: train.features) : nil
        if let s = standardizer {
            try s.apply(to: &train.features)
            if var t = testSet {
                try s.apply(to: &t.features)
                testSet = t
            }
        }
        // Settings: the library's recommended defaults for this data size, overridden by options.
        let defaults = TrainingDefaults.recommended(rows: train.count)
        let hiddenWidths = try hidden.map(parseHidden) ?? defaults.hidden
        let dropoutP = dropout ?? defaults.dropout
        let epochCount = epochs ?? defaults.epochs
        let batchSize = batch ?? defaults.batchSize
        let patienceCount = patience ?? defaults.patience
        let validationFraction = validation ?? defaults.validationFraction
        let cosine = (schedule ?? (defaults.cosine ? .cosine : .constant)) == .cosine
        var refitAll = refit ?? (defaults.refit && testSet != nil && validationFraction > 0)
        if tuneThresholds && refitAll {
            if refit == true { throw UserError("--tune-thresholds needs held-out rows the final model was not trained on; drop --refit") }
            refitAll = false
        }

        // Early stopping rows. With a refit the trainer holds them out itself (the same seeded,
        // stratified `Dataset.splitIndices`) and then retrains on every row; without one they are
        // split here, so that thresholds can be tuned and metrics reported on them.
        if refitAll && validationFraction == 0 { throw UserError("--refit needs a validation split to find the epoch count (--validation > 0)") }
        var fit = train, held: Dataset?
        if validationFraction > 0 && !refitAll {
            let split = try train.splitIndices(validationFraction: validationFraction, seed: seed)
            fit = train.subset(rows: split.train)
            held = train.subset(rows: split.validation)
        }
        let earlyStopping = held != nil || refitAll

        // Model and trainer.
        let spec = MLPSpec(inputs: train.featureCount, hidden: hiddenWidths, outputs: task.outputCount,
                           activation: activation.activation, dropout: dropoutP, layerNorm: layerNorm)
        let model = try MLP(spec: spec, seed: seed)
        let lossSelection = try LossSelection(name: loss, posWeight: posWeight, labelSmoothing: labelSmoothing, task: task)
        // pos_weight "auto" counts the rows the final model trains on (all of them with a refit).
        let lossFunction = try lossSelection.make(trainingTargets: fit.targets)
        let optimizerConfig: OptimizerConfig
        let decay: Float
        switch optimizer {
        case .adam:
            decay = weightDecay ?? 0
            optimizerConfig = .adam(weightDecay: decay)
        case .adamw:
            decay = weightDecay ?? defaults.weightDecay
            optimizerConfig = .adamW(weightDecay: decay)
        case .sgd:
            decay = weightDecay ?? 0
            optimizerConfig = .sgd(momentum: momentum, nesterov: false, weightDecay: decay)
        }
        let config = TrainerConfig(
            epochs: epochCount, batchSize: batchSize, learningRate: lr, optimizer: optimizerConfig,
            schedule: cosine ? .cosine(minimum: 0) : .constant, loss: lossFunction, seed: seed,
            validation: refitAll ? .fraction(validationFraction) : held.map { .given(features: $0.features, targets: $0.targets) } ?? .none,
            monitor: monitor.monitor(for: task), patience: earlyStopping && patienceCount > 0 ? patienceCount : nil,
            restoreBestWeights: earlyStopping, reportBatches: true, refitOnFullData: refitAll)

        let describe = TaskDescription(task)
        let header = [
            "Data: \(trainName): \(train.count) rows "
                + (refitAll ? "(\(fmt(validationFraction * 100, 0)) % held out for early stopping, then all)"
                            : "(\(fit.count) training, \(held?.count ?? 0) validation)")
                + (testSet.map { ", test \(testName ?? ""): \($0.count) rows" } ?? "")
                + "; \(train.featureCount) features, \(task.outputCount) \(describe.kind == "multiclass" ? "classes" : "labels") (\(describe.kind))",
            "Model: MLP \(([spec.inputs] + spec.hidden + [spec.outputs]).map(String.init).joined(separator: "-")), \(activation.rawValue)"
                + (dropoutP > 0 ? ", dropout \(dropoutP)" : "") + (layerNorm ? ", LayerNorm" : "")
                + " (\(model.parameterCount) parameters); loss: \(lossSelection.description)",
            "Training: \(optimizer.rawValue) lr \(lr)" + (decay > 0 ? " weight decay \(decay)" : "") + (cosine ? " cosine schedule" : "")
                + ", batch \(batchSize), up to \(epochCount) epochs"
                + (config.patience.map { ", early stopping on \(config.monitor.name) (patience \($0))" } ?? "")
                + (refitAll ? ", then refit on all \(train.count) rows" : "") + ", seed \(seed), GEMM \(Gemm.shared.name)",
        ]
        if !json { print(header.joined(separator: "\n")) }
        let start = ContinuousClock.now
        func now() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var reporter = ProgressReporter(totalEpochs: config.epochs)
        var totalEpochs = config.epochs
        var epochStart = now()
        let result = try Trainer(config: config).fit(model, features: fit.features, targets: fit.targets) { event in
            switch event {
            case let .batch(epoch, batch, batches, loss, samplesPerSecond):
                reporter.batch(epoch: epoch, batch: batch, of: batches, loss: loss, samplesPerSecond: samplesPerSecond,
                               now: now() - epochStart)
            case .epoch(let r):
                epochStart = now()
                var validationValues: [(String, Double)] = []
                if let v = r.validationLoss { validationValues.append(("val_loss", v)) }
                if monitor == .metric, let m = r.metric { validationValues.append((config.monitor.name, m)) }
                reporter.epochEnd(ProgressReporter.epochLine(
                    epoch: r.epoch, totalEpochs: totalEpochs, trainLoss: r.trainLoss, validation: validationValues,
                    seconds: r.seconds, samplesPerSecond: r.samplesPerSecond,
                    best: r.improved && r.validationLoss != nil && config.patience != nil))
            case let .refit(epochs, rows):
                // Same initial weights, every row, the best epoch count, no validation.
                FileHandle.standardError.write(Data("refit on all \(rows) rows for \(epochs) epochs\n".utf8))
                reporter = ProgressReporter(totalEpochs: epochs)
                totalEpochs = epochs
                epochStart = now()
            }
        }
        let refitHistory = result.refitHistory
        let trainSeconds = now()
        let stopLine: String
        if result.validationRows > 0 {
            stopLine = (result.stoppedEarly ? "Stopped early after epoch \(result.history.count)" : "Trained \(result.history.count) epochs")
                + "; best epoch \(result.bestEpoch) (\(config.monitor.name) \(result.bestMetric.map { fmt($0) } ?? "n/a"))"
                + (refitHistory != nil ? "; refit on all \(train.count) rows for \(result.bestEpoch) epochs" : "; kept its weights")
                + ". \(fmt(trainSeconds, 2)) s."
        } else {
            stopLine = "Trained \(result.history.count) epochs. \(fmt(trainSeconds, 2)) s."
        }

        // Thresholds tuned on the validation rows.
        var thresholds: [Double]? = nil
        if tuneThresholds {
            guard let held, case .matrix = held.targets else {
                throw UserError("--tune-thresholds needs a multi-label task and a validation split (--validation > 0)")
            }
            let valLogits = try model.logits(held.features)
            thresholds = try ThresholdTuning.perLabel(
                truth: binaryTruth(held.targets, outputs: task.outputCount),
                scores: ScoreMatrix(rows: valLogits.rows, cols: valLogits.cols, floats: valLogits.storage))
        }

        // Evaluation: the test set, else the validation rows.
        let evaluated: (name: String, set: Dataset)? = testSet.map { ("test", $0) } ?? (refitHistory == nil ? held.map { ("validation", $0) } : nil)
        var report: EvaluationReport?
        if let (_, set) = evaluated {
            let logits = try model.logits(set.features)
            report = try EvaluationReport(task: task, logits: logits, targets: set.targets, labelNames: set.labelNames,
                                          thresholds: thresholds ?? [0], k: 3)
        }

        // Save the model and the history.
        let modelURL = URL(fileURLWithPath: out)
        let file = try ModelFile(model: model, task: task, labelNames: train.labelNames, featureNames: train.featureNames,
                                 standardization: standardizer?.featureStandardization, thresholds: thresholds)
        try file.write(to: modelURL)
        let historyURL = TrainingHistory.url(forModel: modelURL)
        let history = TrainingHistory(monitor: config.monitor.name, result: result, refit: refitHistory, hyperparameters: header)
        try history.write(to: historyURL)

        if json {
            var entries: [MetricEntry] = [
                MetricEntry("model", .string(modelURL.path)),
                MetricEntry("history", .string(historyURL.path)),
                MetricEntry("task", .string(describe.kind)),
                MetricEntry("train_rows", .integer(refitHistory != nil ? train.count : result.trainingRows)),
                MetricEntry("validation_rows", .integer(result.validationRows)),
                MetricEntry("epochs_run", .integer(result.history.count)),
                MetricEntry("best_epoch", .integer(result.bestEpoch)),
                MetricEntry("refit_epochs", .integer(refitHistory?.count ?? 0)),
                MetricEntry("stopped_early", .bool(result.stoppedEarly)),
                MetricEntry("seconds", .number(trainSeconds)),
                MetricEntry("parameters", .integer(model.parameterCount)),
            ]
            if let thresholds { entries.append(MetricEntry("thresholds_logit", .numbers(thresholds))) }
            if let (name, _) = evaluated, let report { entries.append(MetricEntry(name, report.json)) }
            if bundled, let report { entries.append(MetricEntry("published", publishedJSON(report))) }
            print(MetricValue.object(entries).prettyJSON)
            return
        }
        print(stopLine)
        if evaluated == nil {
            print("\nNo held-out rows to evaluate" + (refitHistory != nil ? " (the refit trained on every row)" : "") + "; pass --test FILE to get test metrics.")
        }
        if let (name, set) = evaluated, let report {
            print("\n\(name.prefix(1).uppercased() + name.dropFirst()) metrics (\(set.count) rows, decision threshold "
                  + (thresholds != nil ? "tuned per label" : describe.kind == "multiclass" ? "argmax" : "0.5") + "):")
            print(report.summaryTable.render(), terminator: "")
            if bundled {
                print("\nYeast test set vs published results (\(BundledYeast.publishedSource)):")
                print(publishedTable(report).render(), terminator: "")
            }
        }
        print("\nSaved \(displayPath(modelURL)) and \(displayPath(historyURL))")
    }

    private func publishedRows(_ report: EvaluationReport) -> [(String, Double?, [Double], Bool)] {
        let p = BundledYeast.published
        return [
            ("hamming_loss", report.value("hamming_loss"), p.map(\.hamming), false),
            ("ranking_loss", report.value("label_ranking_loss"), p.map(\.rankingLoss), false),
            ("one_error", report.value("one_error"), p.map(\.oneError), false),
            ("coverage (Mulan)", report.value("coverage (Mulan: coverage_error - 1)"), p.map(\.coverage), false),
            ("average_precision", report.value("label_ranking_average_precision"), p.map(\.averagePrecision), true),
        ]
    }

    private func publishedTable(_ report: EvaluationReport) -> TextTable {
        var t = TextTable(["metric", "Logits", "BP-MLL", "ML-kNN", "better is"])
        for (name, ours, theirs, higher) in publishedRows(report) {
            t.add([name, ours.map { fmt($0, 3) } ?? "n/a"] + theirs.map { fmt($0, 3) } + [higher ? "higher" : "lower"])
        }
        return t
    }

    private func publishedJSON(_ report: EvaluationReport) -> MetricValue {
        var entries = [MetricEntry("source", .string(BundledYeast.publishedSource))]
        for (i, method) in BundledYeast.published.map(\.method).enumerated() {
            entries.append(MetricEntry(method, .object(publishedRows(report).map { MetricEntry($0.0, .number($0.2[i])) })))
        }
        return .object(entries)
    }
}

/// The per-epoch history `train` saves next to the model (`NAME.history.json`), read by `curves`.
struct TrainingHistory: Codable {
    /// What early stopping watched (`val_loss`).
    var monitor: String
    var result: TrainingResult
    /// The epochs of the refit on all rows, if any (no validation values).
    var refit: [EpochRecord]?
    /// The run's description lines (data, model, optimizer).
    var hyperparameters: [String]

    /// `model.safetensors` -> `model.history.json`.
    static func url(forModel model: URL) -> URL {
        let base = model.pathExtension == "safetensors" ? model.deletingPathExtension() : model
        return base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + ".history.json")
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write([UInt8](try encoder.encode(self)), to: url)
    }

    static func read(from url: URL) throws -> TrainingHistory {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw UserError("cannot read the training history '\(url.path)': \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(TrainingHistory.self, from: data) } catch {
            throw UserError("the training history '\(url.path)' is not valid: \(error)")
        }
    }
}

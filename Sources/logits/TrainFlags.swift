import ArgumentParser
import Foundation
import Logits

/// The hyper-parameter flags of `logits train` (and `logits cv`), mapped onto the library's
/// `TrainingOptions`: an unset flag stays `nil` there, so the `TrainingRecipe` decides it.
/// Numeric flags take negative values (`--lr -1`) so that validation can say what is wrong.
struct TrainFlags: ParsableArguments {
    @Option(help: "Hidden layer widths, comma-separated ('none' for a linear model). Default: 256 (up to 10 000 training rows; 512 for 1 000-50 000 features), else 512,256 (512 for sparse data with over 10 000 columns).")
    var hidden: String?

    @Option(help: "Hidden activation: \(Activation.named.map(\.name).joined(separator: ", ")).")
    var activation: String = "relu"

    @Option(parsing: .unconditional, help: "Dropout probability after each hidden activation. Default: chosen on the validation split (small data), 0.2 (large), 0 (large, sparse, over 10 000 columns).")
    var dropout: Float?

    @Flag(help: "Add a LayerNorm after each hidden Linear.")
    var layerNorm = false

    @Option(help: "Loss: auto (ce for classes, bce for labels), ce, bce, focal, asl (asymmetric) or softmargin.")
    var loss: String = "auto"

    @Option(help: ArgumentHelp("BCE positive weights: none, auto (negatives/positives per label, clamped to [0.01, 100]) or comma-separated numbers, one per label.", valueName: "auto|none|w,..."))
    var posWeight: String = "none"

    @Option(parsing: .unconditional, help: "Label smoothing ε in [0, 1): cross-entropy (classes) or targets y(1-ε)+ε/2 (labels).")
    var labelSmoothing: Float = 0

    @Option(help: "Optimizer: adamw (default), adam or sgd.")
    var optimizer: String = "adamw"

    @Option(parsing: .unconditional, help: "Learning rate (> 0).")
    var lr: Float = 1e-3

    @Option(parsing: .unconditional, help: "Weight decay (decoupled for adamw, L2 for adam/sgd). Default: adamw chosen on the validation split (small data) or 0.01 (large); adam/sgd 0.")
    var weightDecay: Float?

    @Option(parsing: .unconditional, help: "SGD momentum, in [0, 1).")
    var momentum: Float = 0.9

    @Option(parsing: .unconditional, help: "Maximum number of epochs. Default: 100 (small data), 20 (large).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Mini-batch size. Default: 64 (small data), 128 (large).")
    var batch: Int?

    @Option(help: "Learning-rate schedule: constant or cosine (to 0 over the run). Default: constant (small data), cosine (large).")
    var schedule: String?

    @Option(parsing: .unconditional, help: "Stop after this many epochs without improvement of the monitored validation value (0: never). Default: 12 (small data), 4 (large).")
    var patience: Int?

    @Option(help: "Validation value for early stopping and model selection: loss, or metric (label ranking average precision for multi-label, accuracy for multi-class).")
    var monitor: String = "loss"

    @Option(parsing: .unconditional, help: "Fraction of the training rows held out for validation (0: none). Default: 0.15 (small data), 0 (large).")
    var validation: Double?

    @Flag(inversion: .prefixedNo, help: "After early stopping, retrain on all training rows for the best epoch count. Default: on for small data with a test set.")
    var refit: Bool?

    @Flag(inversion: .prefixedNo, help: "Choose weight decay and dropout on the validation split. Default: on for small data when neither --weight-decay nor --dropout is given.")
    var select: Bool?

    @Option(parsing: .unconditional, help: "Random seed (weights, dropout, batch order, validation split, model selection).")
    var seed: UInt64 = 0

    @Flag(inversion: .prefixedNo, help: "Tune per-label decision thresholds for F1 on the validation rows and store them in the model. Default: on for multi-label data with a validation split.")
    var tuneThresholds: Bool?

    @Flag(inversion: .prefixedNo, help: "Standardize features with the training mean and standard deviation.")
    var standardize = true

    @Option(help: "Scaling of {0,1} feature columns: auto, centred-only (x - mean), centred ((x - mean) / std), max-abs (kept as 0/1) or std (x / std). Default (auto): centred-only up to 10 000 training rows, else centred.")
    var binaryScaling: String = "auto"

    @Option(help: "Continuous columns that share one value range (pixels): common (one mean and std over all their values, as torchvision's Normalize), floor (each its own mean and std, the std at least the group's median) or per-column (each its own mean and std).")
    var sharedRange: String = "common"

    @Flag(help: "Term counts: weight by TF-IDF (smooth idf from the training rows) and scale rows to unit L2 norm, as scikit-learn's TfidfTransformer; replaces standardization. Stored in the model.")
    var tfidf = false

    @Flag(help: "With --tfidf: term frequency 1 + ln(tf) instead of tf (scikit-learn's sublinear_tf).")
    var sublinearTf = false

    func validate() throws {
        if sublinearTf && !tfidf { throw ValidationError("--sublinear-tf needs --tfidf") }
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be > 0 (got \(epochs))") }
        if let batch, batch <= 0 { throw ValidationError("--batch must be > 0 (got \(batch))") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be > 0 (got \(lr))") }
        if let patience, patience < 0 { throw ValidationError("--patience must be >= 0 (got \(patience))") }
        if let validation, !(validation >= 0 && validation < 1) { throw ValidationError("--validation must be in [0, 1) (got \(validation))") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1) (got \(dropout))") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be >= 0 (got \(weightDecay))") }
        guard labelSmoothing >= 0 && labelSmoothing < 1 else { throw ValidationError("--label-smoothing must be in [0, 1) (got \(labelSmoothing))") }
        guard momentum >= 0 && momentum.isFinite else { throw ValidationError("--momentum must be >= 0 (got \(momentum))") }
        guard Activation(name: activation) != nil else {
            throw ValidationError("--activation must be one of \(Activation.named.map(\.name).joined(separator: ", ")) (got '\(activation)')")
        }
        guard OptimizerKind(rawValue: optimizer.lowercased()) != nil else {
            throw ValidationError("--optimizer must be adamw, adam or sgd (got '\(optimizer)')")
        }
        if let schedule, !["constant", "cosine"].contains(schedule) { throw ValidationError("--schedule must be constant or cosine (got '\(schedule)')") }
        guard ["loss", "metric"].contains(monitor) else { throw ValidationError("--monitor must be loss or metric (got '\(monitor)')") }
        if loss.lowercased() != "auto" { do { _ = try LossKind.parse(loss) } catch { throw ValidationError("--loss: \(error)") } }
        do { _ = try PosWeightSetting(parsing: posWeight) } catch { throw ValidationError("--pos-weight: \(error)") }
        if let hidden { _ = try parseHidden(hidden) }
        guard binaryScaling == "auto" || Self.binaryScalingChoice(binaryScaling) != nil else {
            throw ValidationError("--binary-scaling must be auto, centred-only, centred, max-abs or std (got '\(binaryScaling)')")
        }
        guard FeatureScaling.SharedRangeScale(name: sharedRange) != nil else {
            throw ValidationError("--shared-range must be common, floor or per-column (got '\(sharedRange)')")
        }
        if refit == true && validation == 0 { throw ValidationError("--refit needs a validation split (--validation > 0)") }
    }

    /// The library options for data of `task`.
    /// - Throws: `ValidationError` (exit 2) when a flag does not fit the data (a loss for the other
    ///   task, a pos_weight count that is not the label count).
    func trainingOptions(task: ClassificationTask) throws -> TrainingOptions {
        var o = TrainingOptions()
        o.hidden = try hidden.map(parseHidden)
        o.activation = Activation(name: activation) ?? .relu
        o.dropout = dropout
        o.layerNorm = layerNorm
        o.loss = try lossKind(task: task)
        o.lossOptions.posWeight = try PosWeightSetting(parsing: posWeight)
        if case .values(let w) = o.lossOptions.posWeight, w.count != task.outputCount {
            throw ValidationError("--pos-weight has \(w.count) values, the data has \(task.outputCount) labels")
        }
        o.lossOptions.labelSmoothing = labelSmoothing
        o.optimizer = OptimizerKind(rawValue: optimizer.lowercased()) ?? .adamw
        o.learningRate = lr
        o.weightDecay = weightDecay
        o.momentum = momentum
        o.epochs = epochs
        o.batchSize = batch
        o.cosineSchedule = schedule.map { $0 == "cosine" }
        o.patience = patience
        o.monitorMetric = monitor == "metric"
        o.validationFraction = validation
        o.refit = refit
        o.selectHyperparameters = select
        o.seed = seed
        o.tuneThresholds = tuneThresholds
        o.standardize = standardize
        o.binaryScaling = Self.binaryScalingChoice(binaryScaling)
        o.sharedRange = FeatureScaling.SharedRangeScale(name: sharedRange)
        o.tfidf = tfidf
        o.sublinearTF = sublinearTf
        return o
    }

    /// `--binary-scaling` as the library's choice (`nil`: auto or not a known name).
    static func binaryScalingChoice(_ name: String) -> FeatureScaling.UncenteredScale? {
        FeatureScaling.UncenteredScale(name: name)
    }

    /// `--loss` for `task` (`nil`: the task's own).
    func lossKind(task: ClassificationTask) throws -> LossKind? {
        guard loss.lowercased() != "auto" else { return nil }
        let kind = try LossKind.parse(loss)
        let multiClass: Bool
        if case .multiClass = task { multiClass = true } else { multiClass = false }
        guard kind.isMultiClass == multiClass else {
            throw ValidationError("--loss \(loss) is for \(kind.isMultiClass ? "mutually exclusive classes" : "multi-label data"), but the data are \(multiClass ? "multi-class" : "multi-label") (use \(multiClass ? "ce" : "bce, focal, asl or softmargin"))")
        }
        return kind
    }

    /// Warnings for values outside their sensible range (training still runs).
    var warnings: [String] {
        var w: [String] = []
        if optimizer == "sgd" && momentum >= 1 { w.append("--momentum \(momentum) >= 1 makes SGD diverge; values in [0, 0.99] are usual") }
        if lr > 1 { w.append("--lr \(lr) is unusually large for \(optimizer) (1e-4 to 1e-1 is usual)") }
        if let d = weightDecay, d > 10 { w.append("--weight-decay \(d) is unusually large") }
        return w
    }

    /// The loss as printed in the summary.
    func lossDescription(task: ClassificationTask) throws -> String {
        let kind = try lossKind(task: task) ?? task.defaultLossKind
        var s: String
        switch kind {
        case .ce: s = "softmax cross-entropy"
        case .bce: s = "sigmoid binary cross-entropy"
        case .focal: s = "sigmoid focal"
        case .asl: s = "asymmetric"
        case .softmargin: s = "multi-label soft margin"
        }
        if posWeight == "auto" { s += " with pos_weight auto (negatives/positives per label)" } else if posWeight != "none" { s += " with pos_weight" }
        if labelSmoothing != 0 { s += ", label smoothing \(labelSmoothing)" }
        return s
    }
}

/// Parses `--hidden 256,128` (`none` or empty: no hidden layer).
func parseHidden(_ text: String) throws -> [Int] {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.isEmpty || t == "none" { return [] }
    return try t.split(separator: ",").map { part in
        guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("--hidden takes comma-separated positive widths such as 256,128 (got '\(text)')")
        }
        return n
    }
}

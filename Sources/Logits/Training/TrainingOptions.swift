/// What a user fixes about a training run. Every `nil` is decided by `TrainingRecipe` from the
/// data (size, task) — never the other way round: a value set here is never overridden.
public struct TrainingOptions: Sendable {
    /// Hidden layer widths (`[]`: a linear model). Default: by data size (`TrainingDefaults`).
    public var hidden: [Int]?
    /// Hidden activation.
    public var activation: Activation = .relu
    /// Dropout after each hidden activation. Default: by data size, or chosen by model selection.
    public var dropout: Float?
    /// A LayerNorm after each hidden Linear.
    public var layerNorm = false
    /// The loss; `nil`: the task's (`ce` for classes, `bce` for labels).
    public var loss: LossKind?
    /// Loss options (pos_weight, label smoothing, focal/ASL parameters).
    public var lossOptions = LossOptions()
    /// The optimizer family.
    public var optimizer: OptimizerKind = .adamW
    /// Base learning rate.
    public var learningRate: Float = 1e-3
    /// Weight decay (decoupled for AdamW, L2 for Adam/SGD). Default: AdamW by data size or model
    /// selection; Adam/SGD 0.
    public var weightDecay: Float?
    /// SGD momentum.
    public var momentum: Float = 0.9
    /// Maximum epochs. Default: by data size.
    public var epochs: Int?
    /// Mini-batch rows. Default: by data size.
    public var batchSize: Int?
    /// Cosine learning-rate schedule to 0 (`false`: constant). Default: by data size.
    public var cosineSchedule: Bool?
    /// Early-stopping patience in epochs (0: never stop early). Default: by data size.
    public var patience: Int?
    /// Early stopping watches the monitored metric (LRAP / accuracy) instead of the validation loss.
    public var monitorMetric = false
    /// Held-out fraction for early stopping, model selection and thresholds (0: none). Default: by data size.
    public var validationFraction: Double?
    /// Retrain on all rows for the best epoch count after early stopping. Default: on for small data
    /// when there is a validation split.
    public var refit: Bool?
    /// Seeds weights, dropout, batch order, the validation split and model selection.
    public var seed: UInt64 = 0
    /// Tune per-label decision thresholds on the validation rows (multi-label). Default: on for
    /// multi-label data with a validation split.
    public var tuneThresholds: Bool?
    /// Standardize features with the training statistics (not applied on top of `tfidf`).
    public var standardize = true
    /// How {0,1} feature columns are scaled (`standardize` on): `.centredOnly` (`x - mean`),
    /// `.centredStandardDeviation` (`(x - mean) / std`), `.maxAbs` (kept as they are) or
    /// `.standardDeviation` (`x / std`). Default: `TrainingDefaults.binaryScaling(rows:sparse:)`.
    public var binaryScaling: FeatureScaling.UncenteredScale?
    /// How continuous columns that share one value range (pixels) are scaled (`standardize` on):
    /// one mean and std for all of them (`.common`, the default when nil), each its own std with
    /// a floor, or each its own std (`FeatureScaling.SharedRangeScale`).
    public var sharedRange: FeatureScaling.SharedRangeScale?
    /// Weight term-count features by TF-IDF with L2-normalized rows (`TermWeighting`, fitted on
    /// the training rows and stored in the model) instead of standardizing them.
    public var tfidf = false
    /// With `tfidf`: term frequency `1 + ln tf` instead of `tf` (scikit-learn's `sublinear_tf`).
    public var sublinearTF = false
    /// Choose weight decay and dropout on the validation split. Default: on for small data when
    /// neither weight decay nor dropout is fixed.
    public var selectHyperparameters: Bool?
    /// Polled after every epoch and between phases: `true` ends training early with the best
    /// weights so far (no further candidates, no refit).
    public var stopRequested: (@Sendable () -> Bool)?

    public init() {}
}

/// The optimizer families `TrainingOptions` can name.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    case adam, adamw, sgd

    public static let adamW = OptimizerKind.adamw
}

/// Where the validation set of a training run comes from.
public enum ValidationSource: Sendable {
    /// No validation: no early stopping, the final weights are kept.
    case none
    /// A seeded random `fraction` of the training rows (in `(0, 1)`) is held out.
    case fraction(Double)
    /// A given validation set (`features` rows aligned with `targets`).
    case given(features: Matrix, targets: Targets)
    /// A given validation set whose features may be sparse (CSR).
    case givenFeatures(FeatureMatrix, targets: Targets)
}

/// Whether a monitored quantity improves downwards (losses) or upwards (accuracy, LRAP).
public enum MonitorMode: String, Sendable, Codable {
    case min, max
}

/// What early stopping watches on the validation set.
public enum Monitor: Sendable {
    /// The training loss function evaluated on the validation set (mode `min`).
    case validationLoss
    /// A metric of the validation logits, e.g. accuracy or LRAP from `LogitsMetrics`, plugged in by
    /// the caller as a closure `(logits B x C, targets) -> value`; it throws rather than return NaN.
    case metric(name: String, mode: MonitorMode, compute: @Sendable (_ logits: Matrix, _ targets: Targets) throws -> Double)

    /// Display name (`val_loss` or the metric's name).
    public var name: String {
        switch self {
        case .validationLoss: return "val_loss"
        case .metric(let name, _, _): return name
        }
    }

    /// Improvement direction.
    public var mode: MonitorMode {
        switch self {
        case .validationLoss: return .min
        case .metric(_, let mode, _): return mode
        }
    }
}

/// Everything a training run needs besides the model and the data.
public struct TrainerConfig: Sendable {
    /// Maximum number of passes over the training rows.
    public var epochs: Int
    /// Rows per mini-batch (the last batch of an epoch may be shorter).
    public var batchSize: Int
    /// Base learning rate (the schedule scales it).
    public var learningRate: Float
    /// Optimizer and its hyper-parameters.
    public var optimizer: OptimizerConfig
    /// Learning-rate schedule, evaluated before every step.
    public var schedule: LearningRateSchedule
    /// The loss (softmax-CE, sigmoid-BCE or any other `TrainingLoss`).
    public var loss: any TrainingLoss
    /// Seeds the batch order and the validation split (the model's own seed fixes its weights).
    public var seed: UInt64
    /// Validation data.
    public var validation: ValidationSource
    /// What is monitored on the validation set.
    public var monitor: Monitor
    /// Epochs without improvement before stopping; `nil` trains all `epochs`.
    public var patience: Int?
    /// Minimum change that counts as an improvement.
    public var minDelta: Double
    /// Whether the model gets the weights of the best validation epoch back at the end.
    public var restoreBestWeights: Bool
    /// Clip gradients to this global L2 norm before each step (`nil`: no clipping).
    public var clipNorm: Float?
    /// Whether to report `.batch` events (one per mini-batch).
    public var reportBatches: Bool
    /// Polled after every epoch: `true` stops training there as early stopping would (the best
    /// weights are restored). `logits train` sets it on the first Ctrl-C.
    public var stopRequested: (@Sendable () -> Bool)?
    /// Data-parallel training across the ranks of a job (see `DistributedContext`); `nil`: this
    /// process alone.
    public var distributed: (any DistributedContext)? = nil
    /// Sparse (CSR) features only: `D` values `s` the network subtracts from every input row
    /// without densifying it (`MLP.forward(_:inputShift:...)`), e.g. the `mean / scale` of a
    /// standardization that centres binary columns. `nil`: none.
    public var sparseInputShift: [Float]? = nil

    public init(
        epochs: Int = 30, batchSize: Int = 64, learningRate: Float = 1e-3,
        optimizer: OptimizerConfig = .adam(), schedule: LearningRateSchedule = .constant,
        loss: any TrainingLoss, seed: UInt64 = 0, validation: ValidationSource = .none,
        monitor: Monitor = .validationLoss, patience: Int? = nil, minDelta: Double = 0,
        restoreBestWeights: Bool = true, clipNorm: Float? = nil, reportBatches: Bool = true,
        stopRequested: (@Sendable () -> Bool)? = nil
    ) {
        self.stopRequested = stopRequested
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.loss = loss
        self.seed = seed
        self.validation = validation
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
        self.clipNorm = clipNorm
        self.reportBatches = reportBatches
    }

    /// - Throws: `LogitsError.invalidValue` naming the first bad option.
    public func validate() throws {
        guard epochs > 0 else { throw LogitsError.invalidValue("epochs must be > 0, got \(epochs)") }
        guard batchSize > 0 else { throw LogitsError.invalidValue("batch size must be > 0, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw LogitsError.invalidValue("learning rate must be finite and > 0, got \(learningRate)")
        }
        if let p = patience, p < 1 { throw LogitsError.invalidValue("patience must be >= 1, got \(p)") }
        if let c = clipNorm, !(c > 0 && c.isFinite) { throw LogitsError.invalidValue("clip norm must be finite and > 0, got \(c)") }
        if case .fraction(let f) = validation, !(f > 0 && f < 1) {
            throw LogitsError.invalidValue("validation fraction must be in (0, 1), got \(f)")
        }
        try schedule.validate()
    }
}

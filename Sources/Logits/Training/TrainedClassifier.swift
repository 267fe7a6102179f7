/// What `TrainingRecipe.train` returns: the classifier and how it came about.
public struct TrainedClassifier: Sendable {
    /// The classifier to use and save.
    public var classifier: Classifier
    /// The early-stopping run of the chosen settings (with `refitHistory` when it was refit).
    public var result: TrainingResult
    /// The settings actually used (model selection's choice filled in).
    public var plan: TrainingPlan
    /// Every model-selection candidate with its best validation value (empty without selection).
    public var selection: [CandidateScore]
    /// The validation rows (raw features, as given), when there were any.
    public var validation: Dataset?
    /// The constant baseline on the validation rows, when there were any.
    public var baseline: BaselineComparison?
    /// What the feature preprocessing decided, one line per feature kind.
    public var preprocessing: [String] = []

    /// One model-selection candidate's outcome.
    public struct CandidateScore: Sendable, Equatable, Codable {
        public var candidate: TrainingPlan.Candidate
        /// The best monitored validation value (loss: lower is better; metric: higher).
        public var score: Double
        public var bestEpoch: Int
        public var chosen: Bool
    }
}

/// The model against a constant predictor on the validation rows: each label's training base
/// rate (multi-label), the class prior (multi-class), as constant logits. Compared on the
/// training loss and, when the recipe has a metric (`EvaluationHooks.metricMonitor`: LRAP for
/// multi-label, accuracy for multi-class), on that metric too.
///
/// A loss above the baseline's does not by itself mean the model is useless: on bibtex
/// subsampled to 350 rows the early-stopping model's validation BCE is above the base rates'
/// (0.110 vs 0.069) because its logits on held-out rows unlike its 288 training rows drift from
/// their confident negatives toward 0 (its output biases stay near 0, p = 0.5), while its
/// ranking is far better (docs/training.md, "The baseline warning"). So the model beats the
/// baseline when it beats it on the loss or on the metric (`modelIsBetter`); a lower metric and
/// a higher loss is a model that does not beat it.
public struct BaselineComparison: Sendable, Equatable, Codable {
    /// The validation loss of the constant predictor (same loss function as training).
    public var baselineLoss: Double
    /// The model's validation loss at its best epoch.
    public var modelLoss: Double
    /// The metric's name (`val_lrap`, `val_accuracy`), or nil when it was not computed.
    public var metricName: String?
    /// The constant predictor's validation metric.
    public var baselineMetric: Double?
    /// The model's validation metric (the early-stopping model at its best epoch).
    public var modelMetric: Double?
    /// Whether a larger metric is better (true for LRAP and accuracy).
    public var metricHigherIsBetter: Bool?

    public init(baselineLoss: Double, modelLoss: Double, metricName: String? = nil, baselineMetric: Double? = nil,
                modelMetric: Double? = nil, metricHigherIsBetter: Bool? = nil) {
        self.baselineLoss = baselineLoss
        self.modelLoss = modelLoss
        self.metricName = metricName
        self.baselineMetric = baselineMetric
        self.modelMetric = modelMetric
        self.metricHigherIsBetter = metricHigherIsBetter
    }

    /// `modelLoss < baselineLoss`.
    public var beatsOnLoss: Bool { modelLoss < baselineLoss }

    /// Whether the model's metric is strictly better than the baseline's; nil without a metric.
    public var beatsOnMetric: Bool? {
        guard let m = modelMetric, let b = baselineMetric, m.isFinite, b.isFinite else { return nil }
        return metricHigherIsBetter == false ? m < b : m > b
    }

    /// Whether the model beats the baseline: on the loss, or on the metric when there is one.
    /// False (the run warns) when it loses on both, or on the loss with no metric to compare.
    public var modelIsBetter: Bool { beatsOnLoss || beatsOnMetric == true }
}

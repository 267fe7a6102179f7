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

/// The model's validation loss against a constant predictor's: each label's training base rate
/// (multi-label), the class prior (multi-class), as constant logits.
public struct BaselineComparison: Sendable, Equatable, Codable {
    /// The validation loss of the constant predictor (same loss function as training).
    public var baselineLoss: Double
    /// The model's validation loss at its best epoch.
    public var modelLoss: Double
    /// Whether the model beats the baseline (`modelLoss < baselineLoss`).
    public var modelIsBetter: Bool { modelLoss < baselineLoss }
}

/// The settings of one training run once every default is resolved: what was actually used.
/// Printed in the summary, saved in the history and in `--json`.
public struct TrainingPlan: Sendable, Equatable, Codable {
    public var hidden: [Int]
    public var activation: String
    public var dropout: Float
    public var layerNorm: Bool
    public var loss: String
    public var optimizer: String
    public var learningRate: Float
    public var weightDecay: Float
    public var momentum: Float?
    public var epochs: Int
    public var batchSize: Int
    public var cosineSchedule: Bool
    /// Early-stopping patience (nil: no early stopping).
    public var patience: Int?
    /// What early stopping watches (`val_loss`, `val_lrap`, `val_accuracy`).
    public var monitor: String
    public var validationFraction: Double
    public var refit: Bool
    public var tuneThresholds: Bool
    public var standardize: Bool
    /// TF-IDF weighting of the features before anything else: `"tfidf"`, `"tfidf-sublinear"`
    /// (`1 + ln tf`), or nil for none.
    public var termWeighting: String? = nil
    /// How {0,1} feature columns are scaled when `standardize` is on: `TrainingOptions.binaryScaling`
    /// or `TrainingDefaults.binaryScaling(rows:sparse:)`. `nil` in plans saved before it existed.
    public var binaryScaling: FeatureScaling.UncenteredScale?
    /// How continuous columns sharing one value range are scaled when `standardize` is on:
    /// `TrainingOptions.sharedRange` or `.common`. `nil` in plans saved before it existed.
    public var sharedRange: FeatureScaling.SharedRangeScale?
    public var seed: UInt64
    /// Hyper-parameter candidates tried by model selection (empty: none).
    public var candidates: [Candidate]

    /// One model-selection candidate (`weightDecay`, `dropout`).
    public struct Candidate: Sendable, Equatable, Codable, Hashable {
        public var weightDecay: Float
        public var dropout: Float
        public init(weightDecay: Float, dropout: Float) {
            self.weightDecay = weightDecay
            self.dropout = dropout
        }
    }

    /// `name=value` pairs of every hyper-parameter, in a fixed order.
    public var entries: [(String, String)] {
        [("hidden", hidden.map(String.init).joined(separator: ",")), ("activation", activation),
         ("dropout", "\(dropout)"), ("layer_norm", "\(layerNorm)"), ("loss", loss), ("optimizer", optimizer),
         ("learning_rate", "\(learningRate)"), ("weight_decay", "\(weightDecay)"),
         ("momentum", momentum.map { "\($0)" } ?? "n/a"), ("epochs", "\(epochs)"), ("batch_size", "\(batchSize)"),
         ("schedule", cosineSchedule ? "cosine" : "constant"), ("patience", patience.map(String.init) ?? "none"),
         ("monitor", monitor), ("validation_fraction", "\(validationFraction)"), ("refit", "\(refit)"),
         ("tune_thresholds", "\(tuneThresholds)"), ("standardize", "\(standardize)"),
         ("term_weighting", termWeighting ?? "none"),
         ("binary_scaling", standardize ? binaryScaling?.name ?? "n/a" : "none"),
         ("shared_range", standardize ? sharedRange?.name ?? "n/a" : "none"), ("seed", "\(seed)")]
    }
}

/// The default training settings (what `logits train` uses unless told otherwise), by data size.
/// Chosen with `logits-bench train --quality` (docs/training.md has the measurements):
///
/// | rows | hidden | dropout | AdamW wd | batch | epochs | validation | schedule |
/// | --- | --- | --- | --- | --- | --- | --- | --- |
/// | ≤ 10 000 (small) | [256] | 0.5 | 3 | 64 | ≤ 100, early stopping on 15 % (patience 12), then refit on all rows | val loss | constant |
/// | > 10 000 (large) | [512, 256] | 0.2 | 0.01 | 128 | 20 | none | cosine to 0 |
///
/// All: ReLU, PyTorch default init, lr 1e-3. Strong decoupled weight decay is what beats the
/// unregularised baseline on small sets (yeast); on large sets it hurts (Fashion-MNIST 86.6 % with
/// wd 2 vs 90.1 % with 0.01), where a cosine schedule over a fixed budget does best.
public struct TrainingDefaults: Sendable, Equatable {
    public var hidden: [Int]
    public var activation: Activation = .relu
    public var dropout: Float
    public var learningRate: Float = 1e-3
    public var weightDecay: Float
    public var batchSize: Int
    public var epochs: Int
    /// Held-out fraction for early stopping (0: none).
    public var validationFraction: Double
    public var patience: Int
    public var cosine: Bool
    public var refit: Bool

    /// Rows above which the "large" settings apply.
    public static let smallDataLimit = 10_000

    /// The defaults for a training set of `rows` rows.
    public static func recommended(rows: Int) -> TrainingDefaults {
        if rows <= smallDataLimit {
            return TrainingDefaults(hidden: [256], dropout: 0.5, weightDecay: 3, batchSize: 64, epochs: 100,
                                    validationFraction: 0.15, patience: 12, cosine: false, refit: true)
        }
        return TrainingDefaults(hidden: [512, 256], dropout: 0.2, weightDecay: 0.01, batchSize: 128, epochs: 20,
                                validationFraction: 0, patience: 4, cosine: true, refit: false)
    }

    /// How {0,1} feature columns are scaled for a training set of `rows` rows: standardized
    /// `(x - mean) / std` (centred, scikit-learn's `StandardScaler()`, like the PyTorch peer), at
    /// every size. Kept as they are (max-abs 1), the model is under-confident and ranks worse:
    /// bibtex subsampled to 350 rows, test LRAP 0.394-0.403 centred vs 0.364-0.386 (3 draws x 2
    /// seeds), macro-F1 at probability 0.5 about 0.09 vs 0.02; delicious P@1 0.687 vs 0.666,
    /// micro-F1 0.278 vs 0.225. Full bibtex: LRAP 0.6014 vs 0.6002, ranking loss 0.0502 vs 0.0486,
    /// micro-F1 0.341 vs 0.399 (docs/training.md). `rows` is for a future size-dependent choice
    /// (e.g. wide sparse data, where centring is better folded into the first layer's bias).
    public static func binaryScaling(rows: Int) -> FeatureScaling.UncenteredScale {
        .centredStandardDeviation
    }

    /// Model-selection candidates for small data (`rows <= smallDataLimit`), tried in this order
    /// when the user fixes neither weight decay nor dropout: AdamW weight decay 3 (the yeast
    /// optimum), 0.3 and 0.01 at dropout 0.5, and 0.01 at dropout 0.2. A fixed value (`dropout` or
    /// `weightDecay` non-nil) restricts the grid to it. Large data gets no grid.
    public static func selectionGrid(rows: Int, dropout: Float? = nil, weightDecay: Float? = nil) -> [TrainingPlan.Candidate] {
        guard rows <= smallDataLimit else { return [] }
        let grid: [(Float, Float)] = [(3, 0.5), (0.3, 0.5), (0.01, 0.5), (0.01, 0.2)]
        var seen = Set<TrainingPlan.Candidate>()
        return grid.compactMap { wd, p in
            let c = TrainingPlan.Candidate(weightDecay: weightDecay ?? wd, dropout: dropout ?? p)
            return seen.insert(c).inserted ? c : nil
        }
    }
}

/// The default training settings (what `logits train` uses unless told otherwise), by data size.
/// Chosen with `logits-bench train --quality` (docs/training.md has the measurements):
///
/// | rows | hidden | dropout | AdamW wd | batch | epochs | validation | schedule |
/// | --- | --- | --- | --- | --- | --- | --- | --- |
/// | ≤ 10 000 (small) | [256]; [512] for 1 000-50 000 features | 0.5 | 3 | 64 | ≤ 100, early stopping on 15 % (patience 12), then refit on all rows | val loss | constant |
/// | > 10 000 (large) | [512, 256] | 0.2 | 0.01 | 128 | 20 | none | cosine to 0 |
/// | > 10 000, CSR with > 10 000 columns (wide sparse) | [512] | 0 | 0.01 | 128 | 20 | none | cosine to 0 |
///
/// All: ReLU, PyTorch default init, lr 1e-3. Strong decoupled weight decay is what beats the
/// unregularised baseline on small sets (yeast); on large sets it hurts (Fashion-MNIST 86.6 % with
/// wd 2 vs 90.1 % with 0.01), where a cosine schedule over a fixed budget does best. On small
/// data with a wide input (`wideInputFeatures`), the hidden layer is 512 wide: on bibtex
/// subsampled to 350 rows (1836 features, 3 draws) every 512 point of a hand-run grid beat every
/// 256 point (best 0.428 / 0.414 / 0.417 LRAP against 0.418 / 0.405 / 0.407), and 512 was better
/// on the full bibtex (4880 rows, LRAP 0.610 vs 0.604) and on the small synthetic text-like set
/// (1449 features); on yeast (103 features) 256 is better (docs/training.md, "Hidden width").
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

    /// Input widths (feature counts) for which small data gets a 512-wide hidden layer instead of
    /// 256: from 1 000 (measured at 1449 and 1836; 103 stays better at 256) to 50 000 (the first
    /// layer's training state, 4 x 512 x features floats, stays under 0.4 GB; wider inputs were
    /// not measured and keep 256).
    public static let wideInputFeatures = 1_000...50_000

    /// Columns above which features held as CSR count as wide (text-scale: TF-IDF, bag of words).
    public static let wideSparseLimit = 10_000

    /// The defaults for `rows` training rows of `features` columns, held as CSR (`sparse`) or not:
    /// `recommended(rows:features:)`, except that large (`rows > smallDataLimit`), wide
    /// (`features > wideSparseLimit`) sparse data gets one hidden layer of 512 without dropout,
    /// `[512]` and 0, instead of `[512, 256]` and 0.2.
    ///
    /// Measured on the EUR-Lex-shaped set (15,449 x 186,104 TF-IDF, 3,956 labels; docs/data.md,
    /// "EUR-Lex-shaped data"): with the sparse continuous columns divided by one common scale
    /// (`FeatureScaling.SparseContinuousScale.commonRootMeanSquare`), `[512, 256]` with dropout
    /// 0.2 stays near the label priors after 2 epochs (test P@1 0.29) while `[512]` without
    /// dropout reaches P@1 0.93 (0.96 after 4). bibtex (1836 columns) and delicious (500) are
    /// not wide and keep the large/small settings; small wide sparse sets were not measured and
    /// keep the small settings.
    public static func recommended(rows: Int, features: Int, sparse: Bool) -> TrainingDefaults {
        var d = recommended(rows: rows, features: features)
        if sparse && features > wideSparseLimit && rows > smallDataLimit {
            d.hidden = [512]
            d.dropout = 0
        }
        return d
    }

    /// The defaults for a training set of `rows` rows with `features` input columns (0: unknown,
    /// the narrow-input settings).
    public static func recommended(rows: Int, features: Int = 0) -> TrainingDefaults {
        if rows <= smallDataLimit {
            let width = wideInputFeatures.contains(features) ? 512 : 256
            return TrainingDefaults(hidden: [width], dropout: 0.5, weightDecay: 3, batchSize: 64, epochs: 100,
                                    validationFraction: 0.15, patience: 12, cosine: false, refit: true)
        }
        return TrainingDefaults(hidden: [512, 256], dropout: 0.2, weightDecay: 0.01, batchSize: 128, epochs: 20,
                                validationFraction: 0, patience: 4, cosine: true, refit: false)
    }

    /// How {0,1} feature columns are scaled for a training set of `rows` rows held dense, or
    /// held as CSR (`sparse`; the same rule: the centring is applied inside the first layer,
    /// `Dense.forward(sparse:inputShift:into:)`, so the data stays sparse). Centred without the
    /// std division, `x - p` with `p` the column's training mean (`.centredOnly`), up to
    /// `smallDataLimit` rows; standardized, `(x - p) / sqrt(p (1 - p))`
    /// (`.centredStandardDeviation`), above it.
    ///
    /// Measured (docs/training.md, "Scaling of binary features"; test split, seed 0 and 1): on
    /// bibtex subsampled to 350 rows (3 draws), the small sparse synthetic set shaped like issue
    /// 12's failing set (2 draws) and the full bibtex (4880 rows), `x - p` had the best LRAP and
    /// ranking loss of the three choices; standardizing blows a rare column's ones up to about
    /// `1/sqrt(p)` (18 for one positive in 350 rows) and was worst on the synthetic set, kept as
    /// is was worst on bibtex-350. On delicious (12 920 rows, the large-data settings)
    /// standardizing was better. Neither the validation loss nor the validation LRAP of 15 % of
    /// 350 rows picked the better scaling reliably, so this is a rule, not model selection.
    public static func binaryScaling(rows: Int, sparse: Bool = false) -> FeatureScaling.UncenteredScale {
        rows <= smallDataLimit ? .centredOnly : .centredStandardDeviation  // sparse too: centred in the first layer
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

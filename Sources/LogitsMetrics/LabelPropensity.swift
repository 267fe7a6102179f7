import Foundation

/// The label propensity model of Jain, Prabhu and Varma (KDD 2016, "Extreme multi-label loss
/// functions for recommendation, tagging, ranking & other missing label applications"): the
/// probability `p_l` that a relevant label `l` is actually observed, estimated from the label's
/// frequency in the training set,
///
///     p_l = 1 / (1 + C · exp(−A · ln(N_l + B))) = 1 / (1 + C · (N_l + B)^−A),
///     C   = (ln N − 1) · (B + 1)^A,
///
/// with `N` the number of training rows and `N_l` the training rows where label `l` is positive.
/// Rare labels get small propensities, so large inverse propensities `1/p_l = 1 + C·(N_l + B)^−A`
/// (the weights of PSP@k and PSnDCG@k, `PropensityScoredMetrics`). This is
/// `xclib.evaluation.xc_metrics.compute_inv_propesity` (pyxclib, the Extreme Classification
/// Repository's evaluation code). Defaults A = 0.55, B = 1.5 (the paper's values for data sets
/// other than Wikipedia (0.5, 0.4) and Amazon (0.6, 2.6)).
public struct LabelPropensity: Sendable, Equatable {
    /// The paper's default A and B.
    public static let defaultA = 0.55
    public static let defaultB = 1.5

    /// The exponent A.
    public let a: Double
    /// The offset B added to each label count.
    public let b: Double
    /// `N`, the number of training rows.
    public let trainingRows: Int
    /// `N_l` per label (`L` entries).
    public let labelCounts: [Int]
    /// `p_l` per label (`L` entries, in (0, ∞); below 1 whenever `N ≥ 3`).
    public let propensities: [Double]
    /// `1 / p_l = 1 + C · (N_l + B)^−A` per label (`L` entries, all > 0): the gain of a hit on `l`.
    public let inversePropensities: [Double]

    /// The model from per-label training positive counts.
    /// - Parameters:
    ///   - labelCounts: `N_l` for each of the `L` labels, each in `0...trainingRows`.
    ///   - trainingRows: `N >= 1`.
    ///   - a: the model's A (finite, >= 0).
    ///   - b: the model's B (finite, > 0).
    /// - Throws: `MetricsError` for an empty or out-of-range input, or when the model gives a
    ///   non-positive weight (which happens only for `N <= 2`, where `ln N − 1 < 0`).
    public init(labelCounts: [Int], trainingRows: Int, a: Double = LabelPropensity.defaultA,
                b: Double = LabelPropensity.defaultB) throws {
        guard !labelCounts.isEmpty else { throw MetricsError.empty("no label counts for the propensity model") }
        guard trainingRows >= 1 else {
            throw MetricsError.invalidValue("propensity model: \(trainingRows) training rows, expected at least 1")
        }
        guard a.isFinite, a >= 0, b.isFinite, b > 0 else {
            throw MetricsError.invalidValue("propensity model: A = \(a), B = \(b); expected finite A >= 0 and B > 0")
        }
        for (l, c) in labelCounts.enumerated() where c < 0 || c > trainingRows {
            throw MetricsError.invalidValue("propensity model: label \(l) has \(c) training positives, expected 0...\(trainingRows)")
        }
        let c = (log(Double(trainingRows)) - 1) * pow(b + 1, a)
        var inverse = [Double](repeating: 0, count: labelCounts.count)
        for (l, n) in labelCounts.enumerated() {
            let w = 1 + c * exp(-a * log(Double(n) + b))
            guard w.isFinite, w > 0 else {
                throw MetricsError.invalidValue("propensity model: label \(l) gets the weight \(w) with N = \(trainingRows) training rows; expected a positive weight (N must be at least 3)")
            }
            inverse[l] = w
        }
        self.a = a
        self.b = b
        self.trainingRows = trainingRows
        self.labelCounts = labelCounts
        self.inversePropensities = inverse
        self.propensities = inverse.map { 1 / $0 }
    }

    /// The model from a training label matrix: `N_l` = the column sums, counting only observed cells
    /// when a mask is given; `N` = the number of rows.
    /// - Parameters:
    ///   - trainingLabels: `N x L` 0/1 matrix of the training rows.
    ///   - mask: `N x L`, 1 = observed, 0 = missing; `nil` = all observed.
    ///   - a: the model's A.
    ///   - b: the model's B.
    public init(trainingLabels: BinaryMatrix, mask: BinaryMatrix? = nil, a: Double = LabelPropensity.defaultA,
                b: Double = LabelPropensity.defaultB) throws {
        guard trainingLabels.rows > 0, trainingLabels.cols > 0 else {
            throw MetricsError.empty("no training row or no label for the propensity model")
        }
        _ = try observedCount(mask, rows: trainingLabels.rows, cols: trainingLabels.cols)
        let l = trainingLabels.cols
        var counts = [Int](repeating: 0, count: l)
        for i in 0..<trainingLabels.rows {
            for j in 0..<l where trainingLabels.values[i * l + j] != 0 && (mask.map { $0[i, j] } ?? true) {
                counts[j] += 1
            }
        }
        try self.init(labelCounts: counts, trainingRows: trainingLabels.rows, a: a, b: b)
    }
}

import Logits
import LogitsMetrics

/// Multi-label decision thresholds tuned on validation logits (the decision is `z_j > t_j`; the
/// untuned cut is `t_j = 0`, probability 0.5).
///
/// Validation splits of small data are small (yeast: 225 rows; a label may have 5 positives in
/// them), so each step moves a cut only on evidence:
/// 1. **One global cut `g`** for the labels with at least `minimumPositives` validation positives
///    (`globalCut`): their validation cells pooled, among the cuts that make no more errors
///    (false positives + false negatives) than `z > 0`, the one with the highest F1 (ties: the
///    higher cut); exactly 0 when that cut decides every pooled cell as `z > 0` does. A calibrated
///    model keeps about 0; an under-confident one (early stopping, strong weight decay) gets a
///    lower cut that predicts more positives at no cost in validation errors.
/// 2. **Per label**, a cut replaces `g` only when it removes at least
///    `max(minimumErrorReduction, minimumErrorReductionFraction · N)` of the label's validation
///    errors relative to `g` (`N` validation rows); among such cuts the one with the highest F1.
/// 3. **Rare labels** (fewer than `minimumPositives` validation positives): see `perLabel` and
///    `perLabelF1`.
///
/// Measured (docs/training.md, "Decision thresholds"; test splits, seeds 0-2, micro-F1 /
/// macro-F1 / Hamming loss): against per-label cuts from 0 alone (step 2 without step 1), yeast
/// 0.650 / 0.378 / 0.1954 → 0.649 / 0.375 / 0.1946, bibtex 0.394 / 0.208 / 0.01233 →
/// 0.439 / 0.267 / 0.01249 (the PyTorch peer at 0.5: 0.416 / 0.249).
public enum ThresholdTuner {
    /// Labels with fewer validation positives than this are not tuned on validation alone.
    public static let minimumPositives = 3
    /// A label's own cut replaces the global one only if it removes at least this many of the
    /// label's validation errors, and at least `minimumErrorReductionFraction` of the rows.
    public static let minimumErrorReduction = 2
    public static let minimumErrorReductionFraction = 0.01

    /// Thresholds from the validation logits alone: steps 1 and 2 of the type's rule for the
    /// labels with at least `minimumPositives` validation positives; the other labels share one
    /// cut, chosen as in step 2 on all their validation cells pooled (relative to `g`).
    /// - Parameters: logits, targets: `N x C` validation logits and 0/1 targets.
    /// - Returns: `C` logit thresholds.
    /// - Throws: `LogitsError.shapeMismatch` when the shapes disagree.
    public static func perLabelF1(logits: Matrix, targets: Matrix) throws -> [Double] {
        try checkShapes(logits: logits, targets: targets)
        let (frequent, rare) = split(targets)
        let (g, tuned) = try frequentThresholds(logits: logits, targets: targets, frequent: frequent)
        var thresholds = tuned
        if !rare.isEmpty {
            let shared = try constrainedF1(logits: logits, targets: targets, columns: rare, defaultCut: g)
            for j in rare { thresholds[j] = shared }
        }
        return thresholds
    }

    /// Thresholds with rate matching for rare labels: steps 1 and 2 of the type's rule for the
    /// labels with at least `minimumPositives` validation positives, and for each other label its
    /// own rate-matched threshold: the threshold above which the fraction of its logits on all
    /// `M + N` training and validation rows equals its base rate `p` on those rows (the `1 - p`
    /// quantile, linearly interpolated as numpy's `quantile`); a label with no positive gets the
    /// largest of those logits + 1 (never predicted on them). A few validation rows cannot tune
    /// such a label, and one shared threshold left the rare labels of an under-confident model
    /// never predicted (bibtex subsampled to 350 rows: macro-F1 0.070-0.088 with the shared
    /// threshold, 0.105-0.117 with rate matching, Hamming loss +0.0004 to +0.0019;
    /// docs/training.md).
    /// - Parameters:
    ///   - logits, targets: `N x C` validation logits and 0/1 targets.
    ///   - trainingLogits, trainingTargets: `M x C`, the same model on its training rows.
    /// - Returns: `C` logit thresholds.
    /// - Throws: `LogitsError.shapeMismatch` when the shapes disagree.
    public static func perLabel(logits: Matrix, targets: Matrix, trainingLogits: Matrix, trainingTargets: Matrix) throws -> [Double] {
        let (n, l) = (targets.rows, targets.cols)
        guard logits.rows == n, logits.cols == l, trainingLogits.cols == l, trainingTargets.cols == l,
              trainingLogits.rows == trainingTargets.rows else {
            throw LogitsError.shapeMismatch("threshold tuning: validation logits \(logits.rows)x\(logits.cols), targets \(n)x\(l), training logits \(trainingLogits.rows)x\(trainingLogits.cols), targets \(trainingTargets.rows)x\(trainingTargets.cols); expected matching shapes")
        }
        let (frequent, rare) = split(targets)
        var thresholds = try frequentThresholds(logits: logits, targets: targets, frequent: frequent).thresholds
        let m = trainingTargets.rows
        var column = [Double](repeating: 0, count: n + m)
        for j in rare {
            var positives = 0
            for r in 0..<n where targets[r, j] != 0 { positives += 1 }
            for r in 0..<m where trainingTargets[r, j] != 0 { positives += 1 }
            for r in 0..<n { column[r] = Double(logits[r, j]) }
            for r in 0..<m { column[n + r] = Double(trainingLogits[r, j]) }
            column.sort()
            thresholds[j] = rateMatched(sorted: column, rate: Double(positives) / Double(n + m))
        }
        return thresholds
    }

    /// The `1 - rate` quantile of ascending `sorted` (linear interpolation, numpy's default), or
    /// the largest value + 1 when `rate` is 0.
    public static func rateMatched(sorted: [Double], rate: Double) -> Double {
        guard let last = sorted.last else { return 0 }
        guard rate > 0 else { return last + 1 }
        let position = (1 - min(rate, 1)) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Step 1: the global cut `g` of `columns` pooled (0 for no columns).
    /// - Throws: `LogitsError.shapeMismatch` when the shapes disagree, `.invalidValue` for a
    ///   column outside `0..<C`.
    public static func globalCut(logits: Matrix, targets: Matrix, columns: [Int]) throws -> Double {
        try checkShapes(logits: logits, targets: targets)
        if let bad = columns.first(where: { $0 < 0 || $0 >= targets.cols }) {
            throw LogitsError.invalidValue("threshold tuning: column \(bad) is outside 0..<\(targets.cols)")
        }
        guard !columns.isEmpty else { return 0 }
        let (truth, scores) = pooled(logits: logits, targets: targets, columns: columns)
        let defaultErrors = errors(truth: truth, scores: scores, cut: 0)
        let t = try bestF1(truth: truth, scores: scores, maximumErrors: defaultErrors)
        // The same decisions as z > 0 (no pooled score between the two cuts): keep exactly 0.
        let (low, high) = (min(t, 0), max(t, 0))
        return scores.contains { $0 > low && $0 <= high } ? t : 0
    }

    static func checkShapes(logits: Matrix, targets: Matrix) throws {
        guard logits.rows == targets.rows, logits.cols == targets.cols else {
            throw LogitsError.shapeMismatch("threshold tuning: validation logits \(logits.rows)x\(logits.cols), targets \(targets.rows)x\(targets.cols); expected the same shape")
        }
    }

    /// The labels with at least `minimumPositives` validation positives, and the others.
    static func split(_ targets: Matrix) -> (frequent: [Int], rare: [Int]) {
        var frequent: [Int] = [], rare: [Int] = []
        for j in 0..<targets.cols {
            var positives = 0
            for r in 0..<targets.rows where targets[r, j] != 0 { positives += 1 }
            if positives >= minimumPositives { frequent.append(j) } else { rare.append(j) }
        }
        return (frequent, rare)
    }

    /// Steps 1 and 2 for the `frequent` labels: the global cut `g`, and `C` thresholds (0 for
    /// the other labels).
    static func frequentThresholds(logits: Matrix, targets: Matrix, frequent: [Int]) throws -> (global: Double, thresholds: [Double]) {
        var thresholds = [Double](repeating: 0, count: targets.cols)
        let g = try globalCut(logits: logits, targets: targets, columns: frequent)
        for j in frequent {
            thresholds[j] = try constrainedF1(logits: logits, targets: targets, columns: [j], defaultCut: g)
        }
        return (g, thresholds)
    }

    /// Step 2 on the cells of `columns` pooled: the highest-F1 cut among those that make at least
    /// `max(minimumErrorReduction, minimumErrorReductionFraction · N)` fewer errors than
    /// `defaultCut`, else `defaultCut`.
    static func constrainedF1(logits: Matrix, targets: Matrix, columns: [Int], defaultCut: Double) throws -> Double {
        let (truth, scores) = pooled(logits: logits, targets: targets, columns: columns)
        let margin = max(minimumErrorReduction, Int((Double(targets.rows) * minimumErrorReductionFraction).rounded(.up)))
        let limit = errors(truth: truth, scores: scores, cut: defaultCut) - margin
        guard limit >= 0 else { return defaultCut }
        let t = try bestF1(truth: truth, scores: scores, maximumErrors: limit)
        return errors(truth: truth, scores: scores, cut: t) <= limit ? t : defaultCut
    }

    /// The highest-F1 cut (ties: the higher cut) among those with at most `maximumErrors` errors.
    static func bestF1(truth: [UInt8], scores: [Double], maximumErrors: Int) throws -> Double {
        let objective = ThresholdObjective.custom { c in c.fp + c.fn <= maximumErrors ? c.f1 : -1 }
        return try ThresholdTuning.perLabel(
            truth: try BinaryMatrix(rows: truth.count, cols: 1, values: truth),
            scores: try ScoreMatrix(rows: scores.count, cols: 1, values: scores), objective: objective)[0]
    }

    static func errors(truth: [UInt8], scores: [Double], cut: Double) -> Int {
        var count = 0
        for (y, z) in zip(truth, scores) where (z > cut) != (y == 1) { count += 1 }
        return count
    }

    /// The cells of `columns` as one column: 0/1 truth and logits.
    static func pooled(logits: Matrix, targets: Matrix, columns: [Int]) -> (truth: [UInt8], scores: [Double]) {
        let n = targets.rows
        var truth = [UInt8](), scores = [Double]()
        truth.reserveCapacity(n * columns.count)
        scores.reserveCapacity(n * columns.count)
        for j in columns {
            for r in 0..<n {
                truth.append(targets[r, j] != 0 ? 1 : 0)
                scores.append(Double(logits[r, j]))
            }
        }
        return (truth, scores)
    }
}

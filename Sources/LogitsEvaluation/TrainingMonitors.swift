import Logits
import LogitsMetrics

/// Early-stopping monitors computed with `LogitsMetrics`.
public enum TrainingMonitors {
    /// `val_accuracy` (multi-class: argmax accuracy) or `val_lrap` (multi-label: label ranking
    /// average precision), both to maximise, on the validation logits. A metric that cannot be
    /// computed throws (it never returns NaN, which would silently stop improvement).
    public static func metric(for task: ClassificationTask) -> Monitor {
        switch task {
        case .multiClass:
            return .metric(name: "val_accuracy", mode: .max) { logits, targets in
                guard case .classIndices(let y) = targets, !y.isEmpty else {
                    throw LogitsError.invalidValue("val_accuracy needs class-index targets and at least one validation row")
                }
                let predicted = Prediction.argmax(logits)
                return Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
            }
        case .multiLabel, .binary:
            return .metric(name: "val_lrap", mode: .max) { logits, targets in
                let truth = try BinaryMatrix(targets: targets, outputs: logits.cols)
                return try RankingMetrics(truth: truth, scores: try ScoreMatrix(logits: logits), k: 1).labelRankingAveragePrecision
            }
        }
    }
}

/// Decision thresholds tuned on validation logits.
public enum ThresholdTuner {
    /// Labels with fewer validation positives than this share one global threshold.
    public static let minimumPositives = 3
    /// A tuned cut replaces the default `z > 0` only if it removes at least this many validation
    /// errors of the label, and at least `minimumErrorReductionFraction` of the validation rows.
    public static let minimumErrorReduction = 2
    public static let minimumErrorReductionFraction = 0.01

    /// Per-label logit thresholds that fix a miscalibrated label without trading Hamming loss for
    /// F1: for label `j`, among the cuts that make clearly fewer validation errors (false
    /// positives + false negatives) than the default cut `z > 0` (probability 0.5) — at least
    /// `max(minimumErrorReduction, minimumErrorReductionFraction · N)` fewer — the one with the
    /// highest F1 (ties: the higher threshold); when no cut does, the default 0 stays. A
    /// well-calibrated label keeps 0 (a few validation rows are not enough evidence to move it);
    /// an under-confident label of an over-regularised model gets a lower threshold. Labels with
    /// fewer than `minimumPositives` validation positives share one threshold chosen the same way
    /// on all their cells pooled.
    public static func perLabelF1(logits: Matrix, targets: Matrix) throws -> [Double] {
        let n = targets.rows, l = targets.cols
        var thresholds = [Double](repeating: 0, count: l)
        var rare: [Int] = []
        for j in 0..<l {
            var positives = 0
            for r in 0..<n where targets[r, j] != 0 { positives += 1 }
            if positives < minimumPositives { rare.append(j); continue }
            thresholds[j] = try constrainedF1(logits: logits, targets: targets, columns: [j])
        }
        if !rare.isEmpty {
            let shared = try constrainedF1(logits: logits, targets: targets, columns: rare)
            for j in rare { thresholds[j] = shared }
        }
        return thresholds
    }

    /// `perLabelF1`, except that each label with fewer than `minimumPositives` validation
    /// positives gets its own rate-matched threshold instead of the shared one: the threshold
    /// above which the fraction of its logits on all `M + N` training and validation rows equals
    /// its base rate `p` on those rows (the `1 - p` quantile, linearly interpolated as numpy's
    /// `quantile`); a label with no positive gets the largest of those logits + 1 (never predicted
    /// on them). A few validation rows cannot tune such a label, and the shared threshold left
    /// the rare labels of an under-confident model never predicted (bibtex subsampled to 350 rows:
    /// macro-F1 0.070-0.088 with the shared threshold, 0.105-0.117 with rate matching, Hamming loss
    /// +0.0004 to +0.0019; docs/training.md).
    /// - Parameters:
    ///   - logits, targets: `N x C` validation logits and 0/1 targets.
    ///   - trainingLogits, trainingTargets: `M x C`, the same model on its training rows.
    /// - Throws: `LogitsError.shapeMismatch` when the shapes disagree.
    public static func perLabel(logits: Matrix, targets: Matrix, trainingLogits: Matrix, trainingTargets: Matrix) throws -> [Double] {
        let (n, l) = (targets.rows, targets.cols)
        guard logits.rows == n, logits.cols == l, trainingLogits.cols == l, trainingTargets.cols == l,
              trainingLogits.rows == trainingTargets.rows else {
            throw LogitsError.shapeMismatch("threshold tuning: validation logits \(logits.rows)x\(logits.cols), targets \(n)x\(l), training logits \(trainingLogits.rows)x\(trainingLogits.cols), targets \(trainingTargets.rows)x\(trainingTargets.cols); expected matching shapes")
        }
        var thresholds = [Double](repeating: 0, count: l)
        let m = trainingTargets.rows
        var column = [Double](repeating: 0, count: n + m)
        for j in 0..<l {
            var positives = 0
            for r in 0..<n where targets[r, j] != 0 { positives += 1 }
            if positives >= minimumPositives {
                thresholds[j] = try constrainedF1(logits: logits, targets: targets, columns: [j])
                continue
            }
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

    /// The constrained-F1 threshold of the cells of `columns` pooled together.
    static func constrainedF1(logits: Matrix, targets: Matrix, columns: [Int]) throws -> Double {
        let n = targets.rows
        var truth = [UInt8](), scores = [Double]()
        truth.reserveCapacity(n * columns.count)
        scores.reserveCapacity(n * columns.count)
        var defaultErrors = 0
        for j in columns {
            for r in 0..<n {
                let y: UInt8 = targets[r, j] != 0 ? 1 : 0
                let z = Double(logits[r, j])
                truth.append(y)
                scores.append(z)
                if (z > 0) != (y == 1) { defaultErrors += 1 }
            }
        }
        // A cut must remove at least `margin` validation errors to replace the default one.
        let margin = max(minimumErrorReduction, Int((Double(n) * minimumErrorReductionFraction).rounded(.up)))
        let limit = defaultErrors - margin
        let objective = ThresholdObjective.custom { c in c.fp + c.fn <= limit ? c.f1 : -1 }
        let t = try ThresholdTuning.perLabel(
            truth: try BinaryMatrix(rows: truth.count, cols: 1, values: truth),
            scores: try ScoreMatrix(rows: scores.count, cols: 1, values: scores), objective: objective)[0]
        var errors = 0
        for (y, z) in zip(truth, scores) where (z > t) != (y == 1) { errors += 1 }
        return errors <= limit ? t : 0
    }
}

extension EvaluationHooks {
    /// The package's standard hooks: `TrainingMonitors.metric(for:)` and `ThresholdTuner.perLabel`.
    public static let standard = EvaluationHooks(
        metricMonitor: { TrainingMonitors.metric(for: $0) },
        thresholdTuner: { try ThresholdTuner.perLabel(logits: $0, targets: $1, trainingLogits: $2, trainingTargets: $3) })
}

/// A receiver operating characteristic curve: `fpr[i]`, `tpr[i]` at `thresholds[i]` (decreasing),
/// exactly as `sklearn.metrics.roc_curve`: the first point is (0, 0) with threshold `+inf`, then one
/// point per distinct score (ties grouped). `fpr` is all NaN when there is no negative sample and
/// `tpr` all NaN when there is no positive sample (scikit-learn warns and does the same).
public struct ROCCurve: Sendable, Equatable {
    public var fpr: [Double]
    public var tpr: [Double]
    public var thresholds: [Double]

    /// Builds the curve from grouped counts. `dropIntermediate` removes points where both second
    /// differences of fps and tps are zero (collinear, suboptimal points), as scikit-learn's default.
    public init(counts: BinaryCounts, dropIntermediate: Bool = false) {
        var fps = counts.fps, tps = counts.tps, thr = counts.thresholds
        if dropIntermediate && fps.count > 2 {
            var keep = [Int]()
            keep.reserveCapacity(fps.count)
            keep.append(0)
            for i in 1..<(fps.count - 1) {
                let d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1]
                let d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1]
                if d2f != 0 || d2t != 0 { keep.append(i) }
            }
            keep.append(fps.count - 1)
            fps = keep.map { fps[$0] }
            tps = keep.map { tps[$0] }
            thr = keep.map { thr[$0] }
        }
        let n = counts.negatives, p = counts.positives
        fpr = [0] + fps
        tpr = [0] + tps
        thresholds = [Double.infinity] + thr
        for i in 0..<fpr.count {
            fpr[i] = n > 0 ? fpr[i] / n : .nan
            tpr[i] = p > 0 ? tpr[i] / p : .nan
        }
    }

    /// ROC curve of binary `truth` against `scores` (logits or probabilities, N each).
    public init(truth: [Bool], scores: [Double], dropIntermediate: Bool = false) throws {
        self.init(counts: try BinaryCounts(truth: truth, scores: scores), dropIntermediate: dropIntermediate)
    }

    /// Area under this curve by the trapezoidal rule (`nil` if the curve has NaN coordinates).
    public var auc: Double? {
        guard !fpr.contains(where: \.isNaN), !tpr.contains(where: \.isNaN) else { return nil }
        return trapezoidalArea(x: fpr, y: tpr)
    }
}

/// A precision-recall curve exactly as `sklearn.metrics.precision_recall_curve`: thresholds
/// increasing (one per distinct score), `precision`/`recall` with one more entry than `thresholds`,
/// ending at precision 1, recall 0. Precision is 0 where nothing is predicted positive; with no
/// positive sample recall is 1 everywhere (before the final 0), as scikit-learn.
public struct PrecisionRecallCurve: Sendable, Equatable {
    public var precision: [Double]
    public var recall: [Double]
    public var thresholds: [Double]

    public init(counts: BinaryCounts) {
        let m = counts.tps.count
        let p = counts.positives
        precision = []
        recall = []
        thresholds = []
        precision.reserveCapacity(m + 1)
        recall.reserveCapacity(m + 1)
        thresholds.reserveCapacity(m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            let tp = counts.tps[i], predicted = tp + counts.fps[i]
            precision.append(predicted > 0 ? tp / predicted : 0)
            recall.append(p > 0 ? tp / p : 1)
            thresholds.append(counts.thresholds[i])
        }
        precision.append(1)
        recall.append(0)
    }

    public init(truth: [Bool], scores: [Double]) throws {
        self.init(counts: try BinaryCounts(truth: truth, scores: scores))
    }

    /// Step-wise average precision from this curve: `-Σ_n (R_{n+1} - R_n) P_n` (scikit-learn's formula).
    public var averagePrecision: Double {
        var s = 0.0
        for i in 0..<(recall.count - 1) { s -= (recall[i + 1] - recall[i]) * precision[i] }
        return max(0, s)
    }
}

/// Trapezoidal area under `y(x)`: `Σ_i (x_i - x_{i-1}) (y_i + y_{i-1}) / 2` (sklearn's `auc` for increasing x;
/// a decreasing x gives the positive area, as sklearn does).
public func trapezoidalArea(x: [Double], y: [Double]) -> Double {
    guard x.count == y.count, x.count >= 2 else { return 0 }
    var area = 0.0
    for i in 1..<x.count { area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 }
    var decreasing = true
    for i in 1..<x.count where x[i] > x[i - 1] { decreasing = false; break }
    return decreasing ? -area : area
}

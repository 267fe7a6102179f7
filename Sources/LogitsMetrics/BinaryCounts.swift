/// Cumulative true/false positive counts at each distinct score, highest score first: scikit-learn's
/// `_binary_clf_curve`. Tied scores form one point (grouped by exact equality).
///
/// For the distinct scores `t_0 > t_1 > ... > t_{m-1}`: `tps[i] = #{positives with score >= t_i}`,
/// `fps[i] = #{negatives with score >= t_i}`, `thresholds[i] = t_i`.
public struct BinaryCounts: Sendable, Equatable {
    public var thresholds: [Double]
    public var tps: [Double]
    public var fps: [Double]

    /// Total positives (`tps.last`, 0 if empty).
    public var positives: Double { tps.last ?? 0 }
    /// Total negatives (`fps.last`, 0 if empty).
    public var negatives: Double { fps.last ?? 0 }

    public init(thresholds: [Double], tps: [Double], fps: [Double]) {
        self.thresholds = thresholds
        self.tps = tps
        self.fps = fps
    }

    /// Counts for binary truth `truth[i]` (true = positive) and scores `scores[i]` (N each). O(N) after an O(N) radix sort.
    public init(truth: [Bool], scores: [Double]) throws {
        guard truth.count == scores.count else {
            throw MetricsError.shapeMismatch("truth has \(truth.count) entries, scores \(scores.count)")
        }
        for (i, s) in scores.enumerated() where s.isNaN {
            throw MetricsError.invalidValue("score \(i) is NaN")
        }
        var sorter = DescendingSorter()
        self = scores.withUnsafeBufferPointer { s in
            truth.withUnsafeBufferPointer { t in
                BinaryCounts.make(sorter: &sorter, scores: s.baseAddress, offset: 0, stride: 1, count: scores.count) { t[$0] }
            }
        }
    }

    /// Core: sort `count` scores read with the given offset/stride, labels from `isPositive(position)`.
    static func make(sorter: inout DescendingSorter, scores: UnsafePointer<Double>?, offset: Int, stride: Int,
                     count n: Int, isPositive: (Int) -> Bool) -> BinaryCounts {
        guard n > 0, let scores else { return BinaryCounts(thresholds: [], tps: [], fps: []) }
        sorter.sort(base: scores, offset: offset, stride: stride, count: n, mark: isPositive)
        var thresholds: [Double] = [], tps: [Double] = [], fps: [Double] = []
        var tp = 0.0, fp = 0.0
        // Groups are runs of equal sorted keys (equal keys <=> equal scores): no gather from `scores`.
        sorter.keys.withUnsafeBufferPointer { keys in
            sorter.order.withUnsafeBufferPointer { order in
                for k in 0..<n {
                    if order[k] < 0 { tp += 1 } else { fp += 1 }
                    if k + 1 == n || keys[k + 1] != keys[k] {
                        thresholds.append(DescendingSorter.value(ofKey: keys[k]))
                        tps.append(tp)
                        fps.append(fp)
                    }
                }
            }
        }
        return BinaryCounts(thresholds: thresholds, tps: tps, fps: fps)
    }

    /// One pass over the sorted groups without storing the curve: ROC AUC (trapezoid), step-wise AP and the
    /// number of distinct scores; `group(threshold, groupSize)` is called for each tie group, highest first.
    /// Same formulas as `rocAUC` / `averagePrecision`.
    static func summarize(sorter: inout DescendingSorter, scores: UnsafePointer<Double>?, offset: Int, count n: Int,
                          isPositive: (Int) -> Bool, group: (Double, Int) -> Void) -> CurveSummary {
        guard n > 0, let scores else { return CurveSummary(rocAUC: nil, averagePrecision: 0, positives: 0, negatives: 0, distinct: 0) }
        var positives = 0
        sorter.sort(base: scores, offset: offset, stride: 1, count: n) { i in
            let p = isPositive(i)
            if p { positives += 1 }
            return p
        }
        let pTotal = Double(positives), nTotal = Double(n - positives)
        var tp = 0.0, fp = 0.0, prevT = 0.0, prevF = 0.0, area = 0.0, ap = 0.0, prevRecall = 0.0
        var distinct = 0
        sorter.keys.withUnsafeBufferPointer { keys in
            sorter.order.withUnsafeBufferPointer { order in
                for k in 0..<n {
                    if order[k] < 0 { tp += 1 } else { fp += 1 }
                    if k + 1 == n || keys[k + 1] != keys[k] {
                        distinct += 1
                        group(DescendingSorter.value(ofKey: keys[k]), Int(tp - prevT + fp - prevF))
                        area += (fp - prevF) * (tp + prevT)
                        if pTotal > 0 {
                            let recall = tp / pTotal
                            ap += (recall - prevRecall) * (tp / (tp + fp))
                            prevRecall = recall
                        }
                        prevT = tp
                        prevF = fp
                    }
                }
            }
        }
        return CurveSummary(rocAUC: pTotal > 0 && nTotal > 0 ? area / 2 / (pTotal * nTotal) : nil,
                            averagePrecision: max(0, ap), positives: positives, negatives: n - positives, distinct: distinct)
    }

    /// ROC AUC by the trapezoidal rule over the grouped points (a tied positive/negative pair counts 1/2):
    /// `Σ_i (fps_i - fps_{i-1}) (tps_i + tps_{i-1}) / 2 / (P N)`. `nil` when P = 0 or N = 0 (undefined).
    public var rocAUC: Double? {
        let p = positives, n = negatives
        guard p > 0, n > 0 else { return nil }
        var area = 0.0, prevT = 0.0, prevF = 0.0
        for i in 0..<tps.count {
            area += (fps[i] - prevF) * (tps[i] + prevT)
            prevT = tps[i]
            prevF = fps[i]
        }
        return area / 2 / (p * n)
    }

    /// Average precision as scikit-learn defines it (step-wise, no interpolation):
    /// `AP = Σ_n (R_n - R_{n-1}) P_n` over the thresholds from high to low, with `R_{-1} = 0`.
    /// With no positive sample scikit-learn sets recall to 1 everywhere, which gives AP = 0 (returned here).
    public var averagePrecision: Double {
        let p = positives
        guard p > 0 else { return 0 }
        var ap = 0.0, prevRecall = 0.0
        for i in 0..<tps.count {
            let recall = tps[i] / p
            let predicted = tps[i] + fps[i]
            let precision = predicted > 0 ? tps[i] / predicted : 0
            ap += (recall - prevRecall) * precision
            prevRecall = recall
        }
        return max(0, ap)
    }
}

/// ROC AUC, AP and counts of one binary problem, computed without storing its curve.
struct CurveSummary {
    var rocAUC: Double?
    var averagePrecision: Double
    var positives: Int
    var negatives: Int
    var distinct: Int
}

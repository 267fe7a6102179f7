import Foundation

/// Multi-class metrics: truth = class index per sample (N), scores = N x C (logits by default),
/// scikit-learn semantics with `labels = [0, ..., C-1]` and `zero_division = 0`.
public enum MultiClassMetrics {
    /// Predicted class per sample: arg-max of the scores, lowest index among ties (numpy `argmax`).
    public static func argmax(_ scores: ScoreMatrix) -> [Int] {
        (0..<scores.rows).map { i in
            var best = 0
            for j in 1..<max(scores.cols, 1) where scores[i, j] > scores[i, best] { best = j }
            return best
        }
    }

    /// Confusion matrix `[C][C]`, `m[t][p]` = samples of true class t predicted p (rows = truth).
    public static func confusionMatrix(truth: [Int], predicted: [Int], classes: Int) throws -> [[Int]] {
        try validateClassIndices(truth, classes: classes, rows: truth.count)
        try validateClassIndices(predicted, classes: classes, rows: truth.count, name: "predictions")
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (t, p) in zip(truth, predicted) { m[t][p] += 1 }
        return m
    }

    /// One-vs-rest confusion counts per class from a confusion matrix.
    public static func perClassCounts(_ m: [[Int]]) -> [BinaryConfusion] {
        let c = m.count
        let total = m.reduce(0) { $0 + $1.reduce(0, +) }
        return (0..<c).map { k in
            let tp = m[k][k]
            let fn = m[k].reduce(0, +) - tp
            var fp = 0
            for t in 0..<c where t != k { fp += m[t][k] }
            return BinaryConfusion(tp: tp, fp: fp, fn: fn, tn: total - tp - fp - fn)
        }
    }

    /// Balanced accuracy: mean recall over the classes present in the truth (scikit-learn drops
    /// classes that only occur in the predictions, with a warning). NaN if there is no sample.
    public static func balancedAccuracy(_ m: [[Int]]) -> Double {
        var recalls: [Double] = []
        for k in 0..<m.count {
            let support = m[k].reduce(0, +)
            if support > 0 { recalls.append(Double(m[k][k]) / Double(support)) }
        }
        return mean(recalls)
    }

    /// Top-k accuracy with scikit-learn's tie rule: the true class t is a hit when
    /// `#{j : s_j > s_t} + #{j > t : s_j == s_t} < k` (tied scores rank the higher class index first).
    public static func topKAccuracy(truth: [Int], scores: ScoreMatrix, k: Int) throws -> Double {
        try validateClassIndices(truth, classes: scores.cols, rows: scores.rows)
        guard k >= 1 else { throw MetricsError.invalidValue("k is \(k), expected at least 1") }
        guard !truth.isEmpty else { throw MetricsError.empty("no sample") }
        var hits = 0
        for (i, t) in truth.enumerated() {
            let st = scores[i, t]
            var ahead = 0
            for j in 0..<scores.cols {
                let s = scores[i, j]
                if s > st || (s == st && j > t) { ahead += 1 }
            }
            if ahead < k { hits += 1 }
        }
        return Double(hits) / Double(truth.count)
    }

    /// Exact cross-entropy from logits: `mean_i (logsumexp(z_i) - z_{i, y_i})` (log-softmax, never clipped).
    public static func logLossFromLogits(truth: [Int], logits: ScoreMatrix) throws -> Double {
        try validateClassIndices(truth, classes: logits.cols, rows: logits.rows)
        guard !truth.isEmpty else { throw MetricsError.empty("no sample") }
        var s = 0.0
        for (i, t) in truth.enumerated() { s += SoftmaxMath.logSumExp(logits.row(i)) - logits[i, t] }
        return s / Double(truth.count)
    }

    /// scikit-learn's `log_loss` on probabilities: each p clipped to `[ε, 1 - ε]` with ε = 2.22e-16
    /// (Double's machine epsilon), so a term is at most 36.04: `mean_i -log clip(p_{i, y_i})`.
    public static func clippedLogLoss(truth: [Int], probabilities: ScoreMatrix) throws -> Double {
        try validateClassIndices(truth, classes: probabilities.cols, rows: probabilities.rows)
        guard !truth.isEmpty else { throw MetricsError.empty("no sample") }
        let eps = Double.ulpOfOne
        var s = 0.0
        for (i, t) in truth.enumerated() { s -= log(min(max(probabilities[i, t], eps), 1 - eps)) }
        return s / Double(truth.count)
    }

    /// Multi-class Brier score as scikit-learn (`scale_by_half="auto"`):
    /// `mean_i Σ_c (p_ic - [y_i = c])²`, halved when C < 3 (then it equals the binary Brier score).
    public static func brierScore(truth: [Int], probabilities: ScoreMatrix) throws -> Double {
        try validateClassIndices(truth, classes: probabilities.cols, rows: probabilities.rows)
        guard !truth.isEmpty else { throw MetricsError.empty("no sample") }
        var s = 0.0
        for (i, t) in truth.enumerated() {
            for j in 0..<probabilities.cols {
                let d = probabilities[i, j] - (j == t ? 1 : 0)
                s += d * d
            }
        }
        let b = s / Double(truth.count)
        return probabilities.cols < 3 ? b / 2 : b
    }

    /// One-vs-rest ROC AUC of every class, class c ranked by column c of `scores`; `nil` for a class
    /// absent from the truth (or present in every sample): undefined.
    public static func ovrAUC(truth: [Int], scores: ScoreMatrix) throws -> [Double?] {
        try validateClassIndices(truth, classes: scores.cols, rows: scores.rows)
        var sorter = DescendingSorter()
        let c = scores.cols
        return scores.values.withUnsafeBufferPointer { s in
            (0..<c).map { k in
                BinaryCounts.make(sorter: &sorter, scores: s.baseAddress, offset: k, stride: c, count: scores.rows) { truth[$0] == k }.rocAUC
            }
        }
    }

    /// One-vs-one ROC AUC (Hand & Till 2001) as scikit-learn `multi_class="ovo", average="macro"`: over the
    /// pairs (a, b) of classes present in the truth, `(AUC(a vs b by s_a) + AUC(b vs a by s_b)) / 2` on the
    /// samples of class a or b, averaged over pairs. `nil` if fewer than two classes are present.
    ///
    /// `AUC(a vs b by s_a) = Σ_{i in b} (#{j in a: s_ja > s_ia} + #{j in a: s_ja = s_ia} / 2) / (n_a n_b)`, the
    /// trapezoidal area with ties counted 1/2. One sort of column a gives it for every b at once: O(C N) after
    /// the C radix sorts, instead of one curve per pair.
    public static func ovoAUCMacro(truth: [Int], scores: ScoreMatrix) throws -> Double? {
        try validateClassIndices(truth, classes: scores.cols, rows: scores.rows)
        let c = scores.cols, n = scores.rows
        var size = [Int](repeating: 0, count: c)
        for t in truth { size[t] += 1 }
        let classes = (0..<c).filter { size[$0] > 0 }
        guard classes.count >= 2 else { return nil }
        var sorter = DescendingSorter()
        // wins[a * c + b] = Σ over samples of class b of (class-a samples scored higher by s_a + ties / 2).
        var wins = [Double](repeating: 0, count: c * c)
        scores.values.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress else { return }
            for a in classes {
                sorter.sort(base: base, offset: a, stride: c, count: n)
                sorter.keys.withUnsafeBufferPointer { keys in
                    sorter.order.withUnsafeBufferPointer { order in
                        var above = 0.0
                        var start = 0
                        while start < n {
                            var end = start + 1
                            while end < n && keys[end] == keys[start] { end += 1 }
                            var tiedA = 0.0
                            for q in start..<end where truth[Int(order[q])] == a { tiedA += 1 }
                            let credit = above + tiedA / 2
                            for q in start..<end {
                                let b = truth[Int(order[q])]
                                if b != a { wins[a * c + b] += credit }
                            }
                            above += tiedA
                            start = end
                        }
                    }
                }
            }
        }
        var sum = 0.0, pairs = 0
        for x in 0..<classes.count {
            for z in (x + 1)..<classes.count {
                let a = classes[x], b = classes[z]
                let denominator = Double(size[a]) * Double(size[b])
                sum += (wins[a * c + b] / denominator + wins[b * c + a] / denominator) / 2
                pairs += 1
            }
        }
        return sum / Double(pairs)
    }
}

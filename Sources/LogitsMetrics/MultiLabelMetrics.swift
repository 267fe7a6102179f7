/// Threshold-based multi-label metrics (truth and decisions both N x L 0/1), scikit-learn semantics,
/// `zero_division = 0` everywhere (a 0/0 precision, recall, F1 or Jaccard counts as 0).
public struct MultiLabelDecisionMetrics: Sendable, Equatable {
    /// Fraction of wrong (sample, label) decisions: `#{y_ij != ŷ_ij} / (N L)`.
    public var hammingLoss: Double
    /// Subset (exact-match) accuracy: fraction of samples whose whole label row is right.
    public var subsetAccuracy: Double
    /// Per-label confusion counts (`multilabel_confusion_matrix` = `[[tn, fp], [fn, tp]]` each).
    public var confusion: [BinaryConfusion]
    /// Precision / recall / F1 / Jaccard per label with micro, macro and weighted (by support) averages.
    public var precision: Averages
    public var recall: Averages
    public var f1: Averages
    public var jaccard: Averages
    /// `average="samples"`: the score of each sample's row, averaged over samples
    /// (a sample with no true and no predicted label scores 0, zero_division 0).
    public var precisionSamples: Double
    public var recallSamples: Double
    public var f1Samples: Double
    public var jaccardSamples: Double

    /// Computes every decision metric. Throws if the shapes differ, there is no sample, or every
    /// label is masked.
    /// - Parameters:
    ///   - truth: `N x L` 0/1 matrix.
    ///   - predicted: `N x L` 0/1 decisions.
    ///   - mask: `N x L`, 1 = observed, 0 = missing (skipped; see `LabelMask.swift`); `nil` = all observed.
    public init(truth: BinaryMatrix, predicted: BinaryMatrix, mask: BinaryMatrix? = nil) throws {
        guard truth.rows == predicted.rows, truth.cols == predicted.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), decisions \(predicted.rows) x \(predicted.cols)")
        }
        guard truth.rows > 0, truth.cols > 0 else { throw MetricsError.empty("no sample or no label") }
        let n = truth.rows, l = truth.cols
        let observed = try observedCount(mask, rows: n, cols: l)
        var perLabel = [BinaryConfusion](repeating: BinaryConfusion(), count: l)
        var wrong = 0, exact = 0, rows = 0
        var pS = 0.0, rS = 0.0, fS = 0.0, jS = 0.0
        truth.values.withUnsafeBufferPointer { y in
            predicted.values.withUnsafeBufferPointer { yh in
                for i in 0..<n {
                    if let mask, !(0..<l).contains(where: { mask.values[i * l + $0] != 0 }) { continue }
                    rows += 1
                    var c = BinaryConfusion()
                    for j in 0..<l {
                        if let mask, mask.values[i * l + j] == 0 { continue }
                        let t = y[i * l + j] != 0, p = yh[i * l + j] != 0
                        switch (t, p) {
                        case (true, true): c.tp += 1; perLabel[j].tp += 1
                        case (false, true): c.fp += 1; perLabel[j].fp += 1
                        case (true, false): c.fn += 1; perLabel[j].fn += 1
                        case (false, false): c.tn += 1; perLabel[j].tn += 1
                        }
                    }
                    wrong += c.fp + c.fn
                    if c.fp + c.fn == 0 { exact += 1 }
                    pS += c.precision; rS += c.recall; fS += c.f1; jS += c.jaccard
                }
            }
        }
        hammingLoss = Double(wrong) / Double(observed)
        subsetAccuracy = Double(exact) / Double(rows)
        confusion = perLabel
        precision = averages(of: perLabel) { $0.precision }
        recall = averages(of: perLabel) { $0.recall }
        f1 = averages(of: perLabel) { $0.f1 }
        jaccard = averages(of: perLabel) { $0.jaccard }
        precisionSamples = pS / Double(rows)
        recallSamples = rS / Double(rows)
        f1Samples = fS / Double(rows)
        jaccardSamples = jS / Double(rows)
    }
}

/// Per-label ROC AUC and average precision of a multi-label score matrix, with scikit-learn's averages.
public struct MultiLabelCurveMetrics: Sendable, Equatable {
    /// `roc_auc_score(y[:, j], s[:, j])`; `nil` for a label with a single class in the truth (undefined).
    public var rocAUCPerLabel: [Double?]
    /// Labels left out of the ROC AUC averages (no positive or no negative sample).
    public var rocAUCSkippedLabels: [Int]
    /// Mean ROC AUC over the labels with both classes (`nil` if none).
    public var rocAUCMacro: Double?
    /// Mean over the labels with both classes, weighted by each label's positives (`nil` if none).
    public var rocAUCWeighted: Double?
    /// ROC AUC of the flattened N·L problem (`average="micro"`; `nil` if it has a single class).
    public var rocAUCMicro: Double?
    /// What scikit-learn returns for `average="macro"` on the whole matrix: NaN as soon as one label is undefined.
    public var sklearnRocAUCMacroAllLabels: Double
    /// scikit-learn's `average="weighted"` on the whole matrix: NaN if a label with positives is undefined
    /// (a label without positives has weight 0 and is forced to 0).
    public var sklearnRocAUCWeightedAllLabels: Double
    /// Step-wise AP per label; a label without positives gets 0 (scikit-learn's "recall set to one").
    public var averagePrecisionPerLabel: [Double]
    /// Mean AP over all labels, those without positives (AP 0) included, as scikit-learn.
    public var averagePrecisionMacro: Double
    /// Mean AP weighted by positives per label (0 if there is no positive at all).
    public var averagePrecisionWeighted: Double
    /// AP of the flattened N·L problem.
    public var averagePrecisionMicro: Double
    /// Float32-sigmoid saturation per label, read off the same sorts (the scores taken as logits).
    public var sigmoidSaturation: [SaturationDiagnostic.Column]

    /// Computes per-label curves' summaries. One O(N) radix sort per label and one for the flattened matrix.
    /// - Parameters:
    ///   - truth: `N x L` 0/1 matrix.
    ///   - scores: `N x L` scores (logits or probabilities).
    ///   - mask: `N x L`, 1 = observed, 0 = missing: each label's curve uses its observed rows
    ///     only, the micro average the observed cells (`LabelMask.swift`); `nil` = all observed.
    public init(truth: BinaryMatrix, scores: ScoreMatrix, mask: BinaryMatrix? = nil) throws {
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        guard truth.rows > 0, truth.cols > 0 else { throw MetricsError.empty("no sample or no label") }
        _ = try observedCount(mask, rows: truth.rows, cols: truth.cols)
        let l = truth.cols, n = truth.rows
        var sorter = DescendingSorter()
        var aucs = [Double?](repeating: nil, count: l)
        var aps = [Double](repeating: 0, count: l)
        var positives = [Double](repeating: 0, count: l)
        var saturation: [SaturationDiagnostic.Column] = []
        saturation.reserveCapacity(l)
        // Label-major copies so that each label's scores and truth are contiguous (cache-friendly sorts);
        // with a mask, only the observed rows of each label (label j at start[j]..<start[j + 1]).
        var st: [Double], yt: [UInt8]
        var start = (0...l).map { $0 * n }
        if let mask {
            let mt = transposed(mask.values, rows: n, cols: l, zero: 0 as UInt8)
            let sAll = transposed(scores.values, rows: n, cols: l, zero: 0.0)
            let yAll = transposed(truth.values, rows: n, cols: l, zero: 0 as UInt8)
            st = []
            yt = []
            for j in 0..<l {
                start[j] = st.count
                for i in 0..<n where mt[j * n + i] != 0 {
                    st.append(sAll[j * n + i])
                    yt.append(yAll[j * n + i])
                }
            }
            start[l] = st.count
        } else {
            st = transposed(scores.values, rows: n, cols: l, zero: 0.0)
            yt = transposed(truth.values, rows: n, cols: l, zero: 0 as UInt8)
        }
        var micro = CurveSummary(rocAUC: nil, averagePrecision: 0, positives: 0, negatives: 0, distinct: 0)
        st.withUnsafeBufferPointer { s in
            yt.withUnsafeBufferPointer { y in
                for j in 0..<l {
                    var tally = SaturationDiagnostic.SigmoidTally()
                    let o = start[j]
                    let c = BinaryCounts.summarize(sorter: &sorter, scores: s.baseAddress, offset: o, count: start[j + 1] - o,
                                                   isPositive: { y[o + $0] != 0 }, group: { tally.add($0, size: $1) })
                    aucs[j] = c.rocAUC
                    aps[j] = c.averagePrecision
                    positives[j] = Double(c.positives)
                    saturation.append(tally.column(index: j, minimumLossFraction: 0.01))
                }
            }
        }
        // Micro: every (observed) cell; the order of the cells does not matter.
        let (microScores, microTruth) = mask == nil ? (scores.values, truth.values) : (st, yt)
        microScores.withUnsafeBufferPointer { s in
            microTruth.withUnsafeBufferPointer { y in
                micro = BinaryCounts.summarize(sorter: &sorter, scores: s.baseAddress, offset: 0, count: s.count,
                                               isPositive: { y[$0] != 0 }, group: { _, _ in })
            }
        }
        rocAUCPerLabel = aucs
        sigmoidSaturation = saturation
        rocAUCSkippedLabels = (0..<l).filter { aucs[$0] == nil }
        let kept = (0..<l).filter { aucs[$0] != nil }
        if kept.isEmpty {
            rocAUCMacro = nil
            rocAUCWeighted = nil
        } else {
            let values = kept.map { aucs[$0] ?? .nan }
            rocAUCMacro = mean(values)
            rocAUCWeighted = weightedMean(values, weights: kept.map { positives[$0] })
        }
        rocAUCMicro = micro.rocAUC
        sklearnRocAUCMacroAllLabels = kept.count == l ? mean(kept.map { aucs[$0] ?? .nan }) : .nan
        sklearnRocAUCWeightedAllLabels = sklearnWeightedAverage(aucs.map { $0 ?? .nan }, weights: positives)
        averagePrecisionPerLabel = aps
        averagePrecisionMacro = mean(aps)
        averagePrecisionWeighted = sklearnWeightedAverage(aps, weights: positives)
        averagePrecisionMicro = micro.averagePrecision
    }
}

/// scikit-learn's `_average_binary_score` weighted average: 0 if the weights sum to 0; entries with
/// weight 0 are forced to 0 (so their NaN does not spread); otherwise `Σ w x / Σ w` (NaN spreads).
func sklearnWeightedAverage(_ xs: [Double], weights: [Double]) -> Double {
    let total = weights.reduce(0, +)
    guard total != 0 else { return 0 }
    var s = 0.0
    for i in 0..<xs.count where weights[i] != 0 { s += xs[i] * weights[i] }
    return s / total
}

/// Blocked transpose of a row-major `rows x cols` array into column-major order.
func transposed<T>(_ a: [T], rows: Int, cols: Int, zero: T) -> [T] {
    var out = [T](repeating: zero, count: a.count)
    let b = 32
    a.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            var i0 = 0
            while i0 < rows {
                let i1 = min(rows, i0 + b)
                var j0 = 0
                while j0 < cols {
                    let j1 = min(cols, j0 + b)
                    for i in i0..<i1 { for j in j0..<j1 { dst[j * rows + i] = src[i * cols + j] } }
                    j0 = j1
                }
                i0 = i1
            }
        }
    }
    return out
}

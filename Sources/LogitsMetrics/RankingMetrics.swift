import Foundation

/// Label-ranking metrics of a multi-label score matrix (truth N x L 0/1, scores N x L), computed from
/// one descending sort per row (ties grouped by exact equality), scikit-learn / numpy conventions.
///
/// With `G_1 > G_2 > ...` the tie groups of sample i's scores, `n_g` labels and `r_g` relevant ones in
/// group g, `R = Σ r_g`, `cum*` the counts through group g (all labels scored >= the group's score):
/// - ranking loss: `Σ_g r_g · cumIrrelevant_g / (R (L - R))` (a tied relevant/irrelevant pair is an error); 0 if R ∈ {0, L}
/// - coverage error: `cumCount` through the last group holding a relevant label; 0 if R = 0 (scikit-learn, not Mulan's -1)
/// - LRAP: `(1/R) Σ_g r_g · cumRelevant_g / cumCount_g`; 1 if R ∈ {0, L}
/// - nDCG@k (scikit-learn's tie-averaged): `Σ_g (r_g / n_g) Σ_{pos ∈ g, pos < k} 1/log2(pos + 2)` divided by the
///   ideal `Σ_{pos < min(k, R)} 1/log2(pos + 2)`; 0 if R = 0
/// - one-error: the top label (lowest index among tied maxima, numpy argmax) is irrelevant; samples with no
///   relevant label count as errors (`oneError`) or are left out (`oneErrorSkipEmpty`, Mulan/BP-MLL)
/// - precision@k: relevant labels among the k top-scored (ties towards the lower index, stable sort) / k,
///   with k capped at L.
/// Every metric is then averaged over samples.
public struct RankingMetrics: Sendable, Equatable {
    public var rankingLoss: Double
    public var coverageError: Double
    public var labelRankingAveragePrecision: Double
    public var oneError: Double
    /// `nil` when no sample has a relevant label.
    public var oneErrorSkipEmpty: Double?
    public var k: Int
    public var precisionAtK: Double
    public var ndcgAtK: Double
    /// nDCG without cut-off (all positions).
    public var ndcg: Double
    public var samplesWithoutLabels: Int

    /// Computes all ranking metrics; `k >= 1` is the cut-off of precision@k and nDCG@k.
    /// - Parameters:
    ///   - truth: `N x L` 0/1 matrix.
    ///   - scores: `N x L` scores (logits or probabilities: only their order matters).
    ///   - k: the cut-off of precision@k and nDCG@k (>= 1).
    ///   - mask: `N x L`, 1 = observed, 0 = missing: each row is ranked among its observed
    ///     labels only (`L` becomes the row's observed count) and the averages are over the rows with at
    ///     least one observed label (`LabelMask.swift`); `nil` = all observed.
    public init(truth: BinaryMatrix, scores: ScoreMatrix, k: Int, mask: BinaryMatrix? = nil) throws {
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        guard truth.rows > 0, truth.cols > 0 else { throw MetricsError.empty("no sample or no label") }
        guard k >= 1 else { throw MetricsError.invalidValue("k is \(k), expected at least 1") }
        _ = try observedCount(mask, rows: truth.rows, cols: truth.cols)
        if let mask {
            // Rank each row among its observed labels: the rows' observed cells, packed into a ragged
            // matrix that the unmasked code walks row by row.
            var values: [Double] = [], truthValues: [UInt8] = [], starts = [0]
            for i in 0..<truth.rows {
                for j in 0..<truth.cols where mask[i, j] {
                    values.append(scores[i, j])
                    truthValues.append(truth.values[i * truth.cols + j])
                }
                if values.count > starts[starts.count - 1] { starts.append(values.count) }
            }
            self.init(values: values, truth: truthValues, rowStarts: starts, maxLabels: truth.cols, k: k)
        } else {
            let l = truth.cols
            self.init(values: scores.values, truth: truth.values, rowStarts: (0...truth.rows).map { $0 * l }, maxLabels: l, k: k)
        }
    }

    /// Row `i` holds the labels `rowStarts[i]..<rowStarts[i + 1]` of `values` / `truth` (non-empty rows).
    private init(values: [Double], truth: [UInt8], rowStarts: [Int], maxLabels: Int, k: Int) {
        let n = rowStarts.count - 1
        self.k = k
        // Discounts 1 / log2(pos + 2) and their running sums (with and without the cut-off k).
        var cumDisc = [Double](repeating: 0, count: maxLabels + 1)
        for p in 0..<maxLabels { cumDisc[p + 1] = cumDisc[p] + 1 / (log(Double(p + 2)) / log(2.0)) }
        var sorter = DescendingSorter()
        var lossSum = 0.0, coverageSum = 0.0, lrapSum = 0.0, oneErr = 0, oneErrNonEmpty = 0, nonEmpty = 0
        var pAtKSum = 0.0, ndcgKSum = 0.0, ndcgSum = 0.0
        values.withUnsafeBufferPointer { s in
            truth.withUnsafeBufferPointer { y in
                for i in 0..<n {
                    let base = rowStarts[i], l = rowStarts[i + 1] - base
                    let kEff = min(k, l)
                    var relevant = 0
                    for j in 0..<l where y[base + j] != 0 { relevant += 1 }
                    let order = sorter.sort(base: s.baseAddress!, offset: base, count: l) // trap-ok: rows are non-empty (l > 0)
                    let top = Int(order[order.startIndex])
                    if y[base + top] == 0 { oneErr += 1 }
                    if relevant > 0 {
                        nonEmpty += 1
                        if y[base + top] == 0 { oneErrNonEmpty += 1 }
                    }
                    var hits = 0
                    for q in 0..<kEff where y[base + Int(order[order.startIndex + q])] != 0 { hits += 1 }
                    pAtKSum += Double(hits) / Double(kEff)
                    if relevant == 0 { lrapSum += 1; continue }
                    // Walk tie groups.
                    var cumCount = 0, cumRel = 0, cumIrr = 0
                    var pairs = 0, lastRelCum = 0, lrap = 0.0, dcgK = 0.0, dcg = 0.0
                    var q = order.startIndex
                    while q < order.endIndex {
                        let v = s[base + Int(order[q])]
                        let start = cumCount
                        var r = 0, g = 0
                        while q < order.endIndex && s[base + Int(order[q])] == v {
                            if y[base + Int(order[q])] != 0 { r += 1 }
                            g += 1
                            q += 1
                        }
                        cumCount += g
                        cumRel += r
                        cumIrr += g - r
                        if r > 0 {
                            pairs += r * cumIrr
                            lastRelCum = cumCount
                            lrap += Double(r) * Double(cumRel) / Double(cumCount)
                            let avgGain = Double(r) / Double(g)
                            dcg += avgGain * (cumDisc[cumCount] - cumDisc[start])
                            if start < k {
                                dcgK += avgGain * (cumDisc[min(cumCount, k)] - cumDisc[start])
                            }
                        }
                    }
                    if relevant < l {
                        lossSum += Double(pairs) / Double(relevant * (l - relevant))
                        lrapSum += lrap / Double(relevant)
                    } else {
                        lrapSum += 1
                    }
                    coverageSum += Double(lastRelCum)
                    ndcgSum += dcg / cumDisc[relevant]
                    ndcgKSum += dcgK / cumDisc[min(relevant, k)]
                }
            }
        }
        let nn = Double(n)
        rankingLoss = lossSum / nn
        coverageError = coverageSum / nn
        labelRankingAveragePrecision = lrapSum / nn
        oneError = Double(oneErr) / nn
        oneErrorSkipEmpty = nonEmpty > 0 ? Double(oneErrNonEmpty) / Double(nonEmpty) : nil
        precisionAtK = pAtKSum / nn
        ndcgAtK = ndcgKSum / nn
        ndcg = ndcgSum / nn
        samplesWithoutLabels = n - nonEmpty
    }
}

import Foundation

/// Propensity-scored precision and nDCG at several cut-offs (PSP@k, PSnDCG@k; Jain, Prabhu and
/// Varma, KDD 2016), as the Extreme Classification Repository computes them
/// (`xclib.evaluation.xc_metrics.psprecision` / `psndcg`, pyxclib): a hit on label `l` gains its
/// inverse propensity `w_l = 1/p_l` (`LabelPropensity`, from the *training* label counts), and the
/// result is normalised by the same quantity for the best achievable ranking.
///
/// Shapes: `truth` and `scores` are `N x L` (test rows x labels), `w` has `L` entries. For row `i`,
/// `π_i(1), π_i(2), ...` are its labels by descending score (ties towards the lower label index, a
/// stable sort, like `RankingMetrics.precisionAtK`), `R_i` its relevant labels, and
/// `w*_i(1) >= w*_i(2) >= ...` the weights of its relevant labels, descending (the ideal ranking: the
/// top of `y_i ⊙ w`; positions past `R_i` gain 0). With `k_i = min(k, L)`:
///
///     PSP@k    = Σ_i Σ_{j ≤ k_i} y_{i,π_i(j)} w_{π_i(j)}  /  Σ_i Σ_{j ≤ min(k, R_i)} w*_i(j)
///
///     PSnDCG@k = Σ_i PSDCG_i@k / I_i  /  Σ_i PSDCG*_i@k / I_i,     where
///     PSDCG_i@k  = Σ_{j ≤ k_i} y_{i,π_i(j)} w_{π_i(j)} / log2(j + 1),
///     PSDCG*_i@k = Σ_{j ≤ min(k, R_i)} w*_i(j) / log2(j + 1),
///     I_i = Σ_{j ≤ min(k, R_i)} 1 / log2(j + 1)   (the unit-gain ideal DCG of nDCG@k).
///
/// So both are a ratio of sums over rows (pyxclib: the mean of the per-row values divided by the mean
/// of the per-row best values), not a mean of per-row ratios; PSP@k's `1/k` cancels. A row with no
/// relevant label adds 0 to both sums. A value is `nil` when no row has a relevant label (pyxclib: 0/0
/// = NaN). Each value lies in [0, 1] and is 1 for a ranking that puts every row's relevant labels
/// first in the order of their weights.
///
/// With a `mask` (`N x L`, 1 = observed): each row is ranked among its observed labels only (`L`
/// becomes the row's observed count) and only observed relevant labels count, like `RankingMetrics`.
public struct PropensityScoredMetrics: Sendable, Equatable {
    /// The cut-offs, as given (each >= 1).
    public var ks: [Int]
    /// PSP@k for each of `ks`; `nil` when no row has a relevant label.
    public var psPrecision: [Double?]
    /// PSnDCG@k for each of `ks`; `nil` when no row has a relevant label.
    public var psNDCG: [Double?]
    /// The propensity model's A.
    public var a: Double
    /// The propensity model's B.
    public var b: Double
    /// The propensity model's N (training rows).
    public var trainingRows: Int

    /// PSP@k for a cut-off in `ks` (nil if not computed or undefined).
    public func psPrecision(at k: Int) -> Double? { ks.firstIndex(of: k).flatMap { psPrecision[$0] } }
    /// PSnDCG@k for a cut-off in `ks` (nil if not computed or undefined).
    public func psNDCG(at k: Int) -> Double? { ks.firstIndex(of: k).flatMap { psNDCG[$0] } }

    /// Computes PSP@k and PSnDCG@k for every k in `ks` from one sort per row.
    /// - Parameters:
    ///   - truth: `N x L` 0/1 matrix (the evaluated rows).
    ///   - scores: `N x L` scores (only their order matters).
    ///   - propensity: the model fitted on the training labels; `L` labels in the same order.
    ///   - ks: the cut-offs (each >= 1, at least one).
    ///   - mask: `N x L`, 1 = observed, 0 = missing; `nil` = all observed.
    public init(truth: BinaryMatrix, scores: ScoreMatrix, propensity: LabelPropensity, ks: [Int] = [1, 3, 5],
                mask: BinaryMatrix? = nil) throws {
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        guard truth.rows > 0, truth.cols > 0 else { throw MetricsError.empty("no sample or no label") }
        guard propensity.inversePropensities.count == truth.cols else {
            throw MetricsError.shapeMismatch("the propensity model has \(propensity.inversePropensities.count) labels, the truth \(truth.cols)")
        }
        guard let kMax = ks.max(), let kMin = ks.min(), kMin >= 1 else {
            throw MetricsError.invalidValue("cut-offs \(ks); expected at least one, each at least 1")
        }
        _ = try observedCount(mask, rows: truth.rows, cols: truth.cols)
        let n = truth.rows, l = truth.cols
        let depth = min(kMax, l)
        let w = propensity.inversePropensities
        // disc[j] = 1 / log2(j + 2) for position j (0-based); cumDisc[m] = Σ_{j < m} disc[j].
        var disc = [Double](repeating: 0, count: depth)
        var cumDisc = [Double](repeating: 0, count: depth + 1)
        for j in 0..<depth {
            disc[j] = 1 / log2(Double(j + 2))
            cumDisc[j + 1] = cumDisc[j] + disc[j]
        }
        // Per-row prefix sums over the first m positions (m = 0...depth), reused for every row.
        var gain = [Double](repeating: 0, count: depth + 1), dcg = gain
        var bestGain = gain, bestDCG = gain
        var ideal: [Double] = []
        ideal.reserveCapacity(l)
        var numP = [Double](repeating: 0, count: ks.count), denP = numP, numN = numP, denN = numP
        var sorter = DescendingSorter()
        scores.values.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let base = i * l
                ideal.removeAll(keepingCapacity: true)
                for j in 0..<l where truth.values[base + j] != 0 && (mask.map { $0[i, j] } ?? true) {
                    ideal.append(w[j])
                }
                let relevant = ideal.count
                if relevant == 0 { continue } // adds 0 to every sum
                ideal.sort(by: >)
                // The predicted ranking among the row's observed labels.
                let order = sorter.sort(base: s.baseAddress!, offset: base, count: l) // trap-ok: l > 0
                var m = 0
                for q in order {
                    if m == depth { break }
                    let j = Int(q)
                    if let mask, !mask[i, j] { continue }
                    let g = truth.values[base + j] != 0 ? w[j] : 0
                    gain[m + 1] = gain[m] + g
                    dcg[m + 1] = dcg[m] + g * disc[m]
                    m += 1
                }
                for r in stride(from: m, to: depth, by: 1) { gain[r + 1] = gain[r]; dcg[r + 1] = dcg[r] }
                let top = min(relevant, depth)
                for r in 0..<depth {
                    let g = r < top ? ideal[r] : 0
                    bestGain[r + 1] = bestGain[r] + g
                    bestDCG[r + 1] = bestDCG[r] + g * disc[r]
                }
                for (t, k) in ks.enumerated() {
                    let kk = min(k, depth)
                    let unitIdeal = cumDisc[min(kk, relevant)]
                    numP[t] += gain[kk]
                    denP[t] += bestGain[kk]
                    numN[t] += dcg[kk] / unitIdeal
                    denN[t] += bestDCG[kk] / unitIdeal
                }
            }
        }
        self.ks = ks
        psPrecision = (0..<ks.count).map { denP[$0] > 0 ? numP[$0] / denP[$0] : nil }
        psNDCG = (0..<ks.count).map { denN[$0] > 0 ? numN[$0] / denN[$0] : nil }
        a = propensity.a
        b = propensity.b
        trainingRows = propensity.trainingRows
    }
}

/// Turning multi-label scores into 0/1 decisions. Every rule predicts label j for sample i when
/// `s_ij > t_j` (strictly greater, as the reference: a score equal to the threshold is negative).
public enum DecisionRule: Sendable {
    /// One threshold for every label (0 for logits = probability 0.5).
    case global(Double)
    /// One threshold per label (e.g. from `ThresholdTuning.perLabel`).
    case perLabel([Double])
    /// The k top-scored labels of each sample (ties towards the lower label index).
    case topK(Int)
    /// `base`, then the arg-max label (lowest index among ties) is added to any sample left with no label.
    indirect case atLeastOne(DecisionRule)

    /// Applies the rule to an N x L score matrix.
    public func decisions(_ scores: ScoreMatrix) throws -> BinaryMatrix {
        let n = scores.rows, l = scores.cols
        var out = [UInt8](repeating: 0, count: n * l)
        switch self {
        case .global(let t):
            for q in 0..<out.count where scores.values[q] > t { out[q] = 1 }
        case .perLabel(let ts):
            guard ts.count == l else {
                throw MetricsError.shapeMismatch("\(ts.count) thresholds for \(l) labels")
            }
            for i in 0..<n { for j in 0..<l where scores.values[i * l + j] > ts[j] { out[i * l + j] = 1 } }
        case .topK(let k):
            guard k >= 0 else { throw MetricsError.invalidValue("k is \(k), expected at least 0") }
            var sorter = DescendingSorter()
            scores.values.withUnsafeBufferPointer { s in
                for i in 0..<n where l > 0 {
                    let order = sorter.sort(base: s.baseAddress!, offset: i * l, count: l) // trap-ok: l > 0 and n > 0 here
                    for q in order.prefix(k) { out[i * l + Int(q)] = 1 }
                }
            }
        case .atLeastOne(let base):
            out = try base.decisions(scores).values
            for i in 0..<n where l > 0 && !out[(i * l)..<((i + 1) * l)].contains(1) {
                var best = 0
                for j in 1..<l where scores.values[i * l + j] > scores.values[i * l + best] { best = j }
                out[i * l + best] = 1
            }
        }
        return BinaryMatrix(uncheckedRows: n, cols: l, values: out)
    }
}

/// The per-label quantity a tuned threshold maximises, from the label's confusion counts.
public enum ThresholdObjective: Sendable {
    case f1
    case fBeta(Double)
    case jaccard
    /// Any score of the counts (higher is better).
    case custom(@Sendable (BinaryConfusion) -> Double)

    public func score(_ c: BinaryConfusion) -> Double {
        switch self {
        case .f1: return c.f1
        case .fBeta(let b): return c.fBeta(b)
        case .jaccard: return c.jaccard
        case .custom(let f): return f(c)
        }
    }
}

/// Threshold tuning on validation scores.
public enum ThresholdTuning {
    /// For each label, the threshold maximising `objective` on (truth, scores): every cut between two
    /// consecutive distinct scores is tried (plus "predict nothing"), one sort per label, O(N) sweep.
    /// The returned threshold is the midpoint between the lowest predicted and the highest rejected score
    /// (or below the lowest score / at the highest score when everything / nothing is predicted); on equal
    /// objective values the higher threshold (fewer positives) is kept.
    public static func perLabel(truth: BinaryMatrix, scores: ScoreMatrix,
                                objective: ThresholdObjective = .f1) throws -> [Double] {
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        let n = scores.rows, l = scores.cols
        var sorter = DescendingSorter()
        var thresholds = [Double](repeating: 0, count: l)
        scores.values.withUnsafeBufferPointer { s in
            truth.values.withUnsafeBufferPointer { y in
                for j in 0..<l {
                    let counts = BinaryCounts.make(sorter: &sorter, scores: s.baseAddress, offset: j, stride: l, count: n) { y[$0 * l + j] != 0 }
                    let pos = Int(counts.positives), neg = Int(counts.negatives)
                    // Predict nothing: threshold at the maximum score.
                    var best = objective.score(BinaryConfusion(tp: 0, fp: 0, fn: pos, tn: neg))
                    var bestT = counts.thresholds.first ?? 0
                    for q in 0..<counts.thresholds.count {
                        let tp = Int(counts.tps[q]), fp = Int(counts.fps[q])
                        let v = objective.score(BinaryConfusion(tp: tp, fp: fp, fn: pos - tp, tn: neg - fp))
                        if v > best {
                            best = v
                            let here = counts.thresholds[q]
                            if q + 1 < counts.thresholds.count {
                                let below = counts.thresholds[q + 1]
                                let mid = below + (here - below) / 2
                                bestT = (mid > below && mid < here) ? mid : below
                            } else {
                                bestT = here.nextDown
                            }
                        }
                    }
                    thresholds[j] = bestT
                }
            }
        }
        return thresholds
    }

    /// The single global threshold maximising micro-F1 (or `objective` on the summed counts) over all cells.
    public static func global(truth: BinaryMatrix, scores: ScoreMatrix,
                              objective: ThresholdObjective = .f1) throws -> Double {
        let flatTruth = try BinaryMatrix(rows: truth.values.count, cols: 1, values: truth.values)
        let flatScores = try ScoreMatrix(rows: scores.values.count, cols: 1, values: scores.values)
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        return try perLabel(truth: flatTruth, scores: flatScores, objective: objective)[0]
    }
}

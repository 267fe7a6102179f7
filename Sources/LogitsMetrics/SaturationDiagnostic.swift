/// Detects the "few ROC points" effect: float32 probabilities (sigmoid / softmax) round many distinct
/// logits to the same value (exactly 1 above a margin of ~16.6, exactly 0 far below), so rank metrics
/// computed on probabilities see ties the logits do not have. Rank metrics in this library take the
/// logits directly; this diagnostic says how much would be lost by ranking float32 probabilities.
public struct SaturationDiagnostic: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        /// Class or label index.
        public var index: Int
        /// Distinct raw scores (logits) in the column.
        public var distinctLogits: Int
        /// Distinct values of the score that ranks exactly like the probability, without rounding:
        /// the logit itself (sigmoid) or the softmax log-odds `z_c - logsumexp(z_{-c})` (softmax).
        public var distinctExactRanking: Int
        /// Distinct float32 probabilities.
        public var distinctFloat32Probabilities: Int
        /// Float32 probabilities exactly 1 / exactly 0.
        public var probabilitiesEqualOne: Int
        public var probabilitiesEqualZero: Int
        /// True when the probabilities lost at least `minimumLossFraction` of the distinct values.
        public var flagged: Bool
        /// ROC curve points (= distinct values + 1) on the exact ranking and on the float32 probabilities.
        public var rocPointsExact: Int { distinctExactRanking + 1 }
        public var rocPointsFloat32Probabilities: Int { distinctFloat32Probabilities + 1 }
    }

    public var columns: [Column]
    /// One line per flagged column.
    public var warnings: [String]

    /// Multi-label: float32 sigmoid of each logit, per label. Float32 sigmoid is non-decreasing in the
    /// logit, so the distinct probabilities are counted along each label's distinct logits (one sort per label).
    public static func sigmoid(logits: ScoreMatrix, minimumLossFraction: Double = 0.01) -> SaturationDiagnostic {
        let n = logits.rows, l = logits.cols
        let st = transposed(logits.values, rows: n, cols: l, zero: 0.0)
        var sorter = DescendingSorter()
        let columns = st.withUnsafeBufferPointer { s in
            (0..<l).map { j in
                sigmoidColumn(index: j, counts: BinaryCounts.make(sorter: &sorter, scores: s.baseAddress, offset: j * n, stride: 1, count: n) { _ in false },
                              minimumLossFraction: minimumLossFraction)
            }
        }
        return SaturationDiagnostic(columns: columns, warnings: columns.compactMap { warning($0, kind: "sigmoid", label: "label") })
    }

    /// The sigmoid saturation of one label from its grouped counts (distinct logits, highest first).
    static func sigmoidColumn(index: Int, counts: BinaryCounts, minimumLossFraction: Double) -> Column {
        var tally = SigmoidTally()
        var before = 0.0
        for q in 0..<counts.thresholds.count {
            let total = counts.tps[q] + counts.fps[q]
            tally.add(counts.thresholds[q], size: Int(total - before))
            before = total
        }
        return tally.column(index: index, minimumLossFraction: minimumLossFraction)
    }

    /// Accumulates distinct float32 sigmoid values along distinct logits given highest first.
    struct SigmoidTally {
        var distinctLogits = 0, distinct = 0, ones = 0, zeros = 0
        var previous: Float = .nan

        mutating func add(_ logit: Double, size: Int) {
            let p = SoftmaxMath.sigmoidFloat32(Float(logit))
            distinctLogits += 1
            if p != previous { distinct += 1 }
            previous = p
            if p == 1 { ones += size } else if p == 0 { zeros += size }
        }

        func column(index: Int, minimumLossFraction: Double) -> Column {
            let lost = distinctLogits - distinct
            return Column(index: index, distinctLogits: distinctLogits, distinctExactRanking: distinctLogits,
                          distinctFloat32Probabilities: distinct, probabilitiesEqualOne: ones, probabilitiesEqualZero: zeros,
                          flagged: lost > 0 && Double(lost) >= minimumLossFraction * Double(distinctLogits))
        }
    }

    static func warning(_ c: Column, kind: String, label: String) -> String? {
        guard c.flagged else { return nil }
        return "\(label) \(c.index): float32 \(kind) probabilities take \(c.distinctFloat32Probabilities) distinct values where the "
            + "logits rank \(c.distinctExactRanking) (\(c.probabilitiesEqualOne) exactly 1, \(c.probabilitiesEqualZero) exactly 0); "
            + "a ROC curve on them has \(c.rocPointsFloat32Probabilities) points instead of \(c.rocPointsExact). Rank metrics here use the logits."
    }

    /// Multi-class: float32 softmax of each row (max-shifted), per class; exact ranking by the log-odds.
    public static func softmax(logits: ScoreMatrix, minimumLossFraction: Double = 0.01) -> SaturationDiagnostic {
        let n = logits.rows, c = logits.cols
        var probs = [Double](repeating: 0, count: n * c)
        for i in 0..<n {
            let p = SoftmaxMath.softmaxFloat32(logits.row(i).map { Float($0) })
            for j in 0..<c { probs[i * c + j] = Double(p[j]) }
        }
        return make(kind: "softmax", label: "class", logits: logits, exact: SoftmaxMath.logOdds(logits).values,
                    probabilities: probs, minimumLossFraction: minimumLossFraction)
    }

    /// Number of distinct values (exact equality) in column j (one O(N) radix sort).
    static func distinctCount(_ values: [Double], column j: Int, cols: Int, rows: Int, sorter: inout DescendingSorter) -> Int {
        guard rows > 0 else { return 0 }
        _ = values.withUnsafeBufferPointer { v in
            sorter.sort(base: v.baseAddress!, offset: j, stride: cols, count: rows) // trap-ok: rows > 0
        }
        return sorter.keys.withUnsafeBufferPointer { keys in
            var d = 1
            for q in 1..<rows where keys[q] != keys[q - 1] { d += 1 }
            return d
        }
    }

    /// `exact == nil`: the logits themselves rank exactly like the probabilities (sigmoid).
    static func make(kind: String, label: String, logits: ScoreMatrix, exact: [Double]?, probabilities: [Double],
                     minimumLossFraction: Double) -> SaturationDiagnostic {
        let n = logits.rows, c = logits.cols
        var cols: [Column] = []
        var warnings: [String] = []
        var sorter = DescendingSorter()
        let exactIsLogits = exact == nil
        let exact = exact ?? []
        for j in 0..<c {
            let dl = distinctCount(logits.values, column: j, cols: c, rows: n, sorter: &sorter)
            let de = exactIsLogits ? dl : distinctCount(exact, column: j, cols: c, rows: n, sorter: &sorter)
            let dp = distinctCount(probabilities, column: j, cols: c, rows: n, sorter: &sorter)
            var ones = 0, zeros = 0
            for i in 0..<n {
                let p = probabilities[i * c + j]
                if p == 1 { ones += 1 } else if p == 0 { zeros += 1 }
            }
            let lost = de - dp
            let flagged = lost > 0 && Double(lost) >= minimumLossFraction * Double(de)
            cols.append(Column(index: j, distinctLogits: dl, distinctExactRanking: de, distinctFloat32Probabilities: dp,
                               probabilitiesEqualOne: ones, probabilitiesEqualZero: zeros, flagged: flagged))
            if let w = warning(cols[cols.count - 1], kind: kind, label: label) { warnings.append(w) }
        }
        return SaturationDiagnostic(columns: cols, warnings: warnings)
    }
}

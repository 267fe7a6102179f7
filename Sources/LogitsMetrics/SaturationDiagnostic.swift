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

    /// Multi-label: float32 sigmoid of each logit, per label.
    public static func sigmoid(logits: ScoreMatrix, minimumLossFraction: Double = 0.01) -> SaturationDiagnostic {
        let n = logits.rows, l = logits.cols
        var probs = [Double](repeating: 0, count: n * l)
        for q in 0..<(n * l) { probs[q] = Double(SoftmaxMath.sigmoidFloat32(Float(logits.values[q]))) }
        return make(kind: "sigmoid", label: "label", logits: logits, exact: logits.values, probabilities: probs,
                    minimumLossFraction: minimumLossFraction)
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
        return values.withUnsafeBufferPointer { v in
            let order = sorter.sort(base: v.baseAddress!, offset: j, stride: cols, count: rows) // trap-ok: rows > 0
            var d = 0
            var prev = 0.0
            for (q, p) in order.enumerated() {
                let x = v[j + Int(p) * cols]
                if q == 0 || x != prev { d += 1 }
                prev = x
            }
            return d
        }
    }

    static func make(kind: String, label: String, logits: ScoreMatrix, exact: [Double], probabilities: [Double],
                     minimumLossFraction: Double) -> SaturationDiagnostic {
        let n = logits.rows, c = logits.cols
        var cols: [Column] = []
        var warnings: [String] = []
        var sorter = DescendingSorter()
        for j in 0..<c {
            let dl = distinctCount(logits.values, column: j, cols: c, rows: n, sorter: &sorter)
            let de = distinctCount(exact, column: j, cols: c, rows: n, sorter: &sorter)
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
            if flagged {
                warnings.append("\(label) \(j): float32 \(kind) probabilities take \(dp) distinct values where the logits rank "
                    + "\(de) (\(ones) exactly 1, \(zeros) exactly 0); a ROC curve on them has \(dp + 1) points instead of "
                    + "\(de + 1). Rank metrics here use the logits.")
            }
        }
        return SaturationDiagnostic(columns: cols, warnings: warnings)
    }
}

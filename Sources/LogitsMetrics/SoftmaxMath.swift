import Foundation

/// Double-precision softmax-family helpers used by the metrics (row-wise over an N x C matrix).
public enum SoftmaxMath {
    /// `log Σ_j exp(x_j)` of one row, max-shifted (`-inf` for an all `-inf` row, `+inf` if any entry is `+inf`).
    public static func logSumExp(_ row: ArraySlice<Double>) -> Double {
        guard let m = row.max() else { return -.infinity }
        if m == .infinity { return .infinity }
        if m == -.infinity { return -.infinity }
        var s = 0.0
        for x in row { s += exp(x - m) }
        return m + log(s)
    }

    /// Row-wise softmax `p_ij = exp(z_ij - max_i) / Σ_j exp(z_ij - max_i)` (as `scipy.special.softmax`).
    public static func softmax(_ logits: ScoreMatrix) -> ScoreMatrix {
        let c = logits.cols
        var out = [Double](repeating: 0, count: logits.values.count)
        for i in 0..<logits.rows {
            let row = logits.row(i)
            let m = row.max() ?? 0
            var s = 0.0
            for j in 0..<c {
                let e = exp(logits.values[i * c + j] - m)
                out[i * c + j] = e
                s += e
            }
            for j in 0..<c { out[i * c + j] /= s }
        }
        return ScoreMatrix(trustedRows: logits.rows, cols: c, values: out)
    }

    /// Row-wise log-odds of the softmax probabilities, `z_ic - log Σ_{j != c} exp(z_ij)` = `log(p_ic / (1 - p_ic))`,
    /// computed from the logits without rounding p (O(C) per row: the sum over the others is taken relative to
    /// the row maximum, or to the second largest entry for the arg-max column).
    public static func logOdds(_ logits: ScoreMatrix) -> ScoreMatrix {
        let c = logits.cols
        var out = [Double](repeating: 0, count: logits.values.count)
        guard c >= 2 else {
            return ScoreMatrix(trustedRows: logits.rows, cols: c, values: [Double](repeating: .infinity, count: logits.values.count))
        }
        for i in 0..<logits.rows {
            let b = i * c
            var top = 0
            for j in 1..<c where logits.values[b + j] > logits.values[b + top] { top = j }
            let m1 = logits.values[b + top]
            var m2 = -Double.infinity
            for j in 0..<c where j != top { m2 = max(m2, logits.values[b + j]) }
            // Sum over all j of exp(z_j - m1) and, for the arg-max column, over the others relative to m2.
            var s1 = 0.0, s2 = 0.0
            for j in 0..<c {
                s1 += exp(logits.values[b + j] - m1)
                if j != top { s2 += exp(logits.values[b + j] - m2) }
            }
            for j in 0..<c {
                let z = logits.values[b + j]
                if j == top {
                    out[b + j] = m2 == -.infinity ? .infinity : z - (m2 + log(s2))
                } else {
                    let rest = s1 - exp(z - m1)
                    out[b + j] = z - (m1 + log(rest))
                }
            }
        }
        return ScoreMatrix(trustedRows: logits.rows, cols: c, values: out)
    }

    /// Element-wise logistic sigmoid `1 / (1 + e^{-x})`, computed without overflow.
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// Float32 softmax of one row (max-shifted, as PyTorch's CPU kernel): used by the saturation diagnostic.
    public static func softmaxFloat32(_ row: [Float]) -> [Float] {
        guard let m = row.max() else { return [] }
        var e = row.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        for j in 0..<e.count { e[j] /= s }
        return e
    }

    /// Float32 logistic sigmoid (saturates to exactly 1 for x ≳ 16.6).
    public static func sigmoidFloat32(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }
}

extension ScoreMatrix {
    /// For values computed here from a valid matrix (no NaN check needed, shape known to be right).
    init(trustedRows rows: Int, cols: Int, values: [Double]) {
        self.rows = rows
        self.cols = cols
        self.values = values
    }
}

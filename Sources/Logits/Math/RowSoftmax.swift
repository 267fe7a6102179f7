import Foundation

// Row-wise log-sum-exp, softmax and log-softmax of `B x C` logits.
//
// All three shift each row by its maximum `m` before exponentiating, so no `exp` overflows, and
// keep the shifted quantities apart from `m`:
//
//     s_i          = sum_j exp(x_ij - m_i)           (1 <= s_i <= C)
//     logSumExp_i  = m_i + log s_i
//     softmax_ij   = exp(x_ij - m_i) / s_i
//     logSoftmax_ij = (x_ij - m_i) - log s_i
//
// Softmax and log-softmax never go through the rounded `logSumExp_i`: at |x| = 1e4 a `Float` has
// an ulp of 1e-3, and `exp(x - logSumExp)` would inherit that error. With the shift kept apart,
// the results are exact to a few ulp for any finite input, rows mixing 1e4 and -1e4 included.
//
// `-inf` entries get probability 0 (log-probability `-inf`); a row must not be all `-inf` (as in
// PyTorch, softmax of such a row is NaN; its logSumExp is `-inf`). A NaN anywhere in a row makes
// the row's results NaN: NaN is propagated, never replaced.

/// Sum of `exp(x_j - shift)` over a row, without storing the terms.
func sumExpShifted(_ p: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    let s = SIMD8<Float>(repeating: shift)
    var j = 0
    while j + 8 <= count {
        acc += expLanes(UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self) - s)
        j += 8
    }
    if j < count { acc += expLanes(simdLoadPartial(p + j, count - j, fill: -.infinity) - s) }
    let h = acc.lowHalf + acc.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// `log(sum_j exp(x_j))` of one row, shifted by the row maximum so that no `exp` overflows.
/// `-inf` entries contribute 0; a row of all `-inf` (or an empty row) gives `-inf`; a `+inf`
/// entry gives `+inf`; NaN propagates.
public func logSumExp(_ row: UnsafeBufferPointer<Float>) -> Float {
    guard let base = row.baseAddress, row.count > 0 else { return -.infinity }
    let m = maxPropagatingNaN(base, count: row.count)
    if m.isNaN || m.isInfinite { return m }
    return m + log(sumExpShifted(base, count: row.count, shift: m))
}

/// Row-wise `logSumExp` of a `B x C` matrix into `out` (resized to `B`, capacity kept).
public func logSumExp(rowsOf x: Matrix, into out: inout [Float]) {
    out.removeAll(keepingCapacity: true)
    let cols = x.cols
    x.withUnsafeBufferPointer { p in
        for r in 0..<x.rows {
            out.append(logSumExp(UnsafeBufferPointer(rebasing: p[(r * cols)..<((r + 1) * cols)])))
        }
    }
}

/// Row-wise softmax `p_ij = exp(x_ij - m_i) / sum_k exp(x_ik - m_i)` (`m_i` = row max) of a
/// `B x C` matrix into `out` (resized to `B x C`). Each row sums to 1 within 1e-6; `-inf` logits
/// give probability exactly 0. This is the output activation for mutually exclusive classes:
/// the probabilities compete, raising one lowers the others.
public func softmax(rowsOf x: Matrix, into out: inout Matrix) {
    out.resize(rows: x.rows, cols: x.cols)
    let cols = x.cols
    guard cols > 0 else { return }
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let s0 = src.baseAddress, let d0 = dst.baseAddress else { return }
            for r in 0..<x.rows {
                let sp = s0 + r * cols, dp = d0 + r * cols
                let m = maxPropagatingNaN(sp, count: cols)
                let s = expShiftedSum(sp, dp, count: cols, shift: m)
                let inv = 1 / s
                for j in 0..<cols { dp[j] *= inv }
            }
        }
    }
}

/// Row-wise log-softmax `(x_ij - m_i) - log sum_k exp(x_ik - m_i)` into `out` (resized to
/// `B x C`). `-inf` logits give `-inf`.
public func logSoftmax(rowsOf x: Matrix, into out: inout Matrix) {
    out.resize(rows: x.rows, cols: x.cols)
    let cols = x.cols
    guard cols > 0 else { return }
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let s0 = src.baseAddress, let d0 = dst.baseAddress else { return }
            for r in 0..<x.rows {
                let sp = s0 + r * cols, dp = d0 + r * cols
                let m = maxPropagatingNaN(sp, count: cols)
                let logS = log(sumExpShifted(sp, count: cols, shift: m))
                for j in 0..<cols { dp[j] = (sp[j] - m) - logS }
            }
        }
    }
}

/// Elementwise sigmoid of a `B x C` matrix into `out` (resized to `B x C`): the output
/// activation for multi-label problems. Each label gets its own probability
/// `sigmoid(x_ij) = 1 / (1 + e^-x_ij)`, independent of the other labels, so a row does **not**
/// sum to 1: every label is a separate yes/no question (a sample may carry none, one or all of
/// them), and the model is a set of independent Bernoulli outputs, not one categorical
/// distribution. Computed with one `exp(-|x|)` per element, so it never overflows.
public func sigmoid(elementsOf x: Matrix, into out: inout Matrix) {
    out.resize(rows: x.rows, cols: x.cols)
    let n = x.count
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let s0 = src.baseAddress, let d0 = dst.baseAddress else { return }
            var j = 0
            while j < n {
                let k = min(8, n - j)
                let v = simdLoadPartial(s0 + j, k)
                let e = expLanes(-vabs(v))
                let r = 1 / (1 + e)
                simdStorePartial(r.replacing(with: e * r, where: v .< 0), d0 + j, k)
                j += 8
            }
        }
    }
}

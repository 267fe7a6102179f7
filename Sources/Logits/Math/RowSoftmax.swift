import Foundation

/// `log(sum_j exp(x_j))` of one row, shifted by the row maximum so that no `exp` overflows.
/// `-inf` entries contribute 0; a row of all `-inf` gives `-inf`; NaN propagates.
@inlinable public func logSumExp(_ row: UnsafeBufferPointer<Float>) -> Float {
    var m = -Float.infinity
    for v in row {
        if v.isNaN { return v }
        if v > m { m = v }
    }
    if m == -Float.infinity || m == Float.infinity { return m }
    var s: Float = 0
    for v in row { s += exp(v - m) }
    return m + log(s)
}

/// Row-wise `logSumExp` of a `B x C` matrix into `out` (resized to `B`).
public func logSumExp(rowsOf x: Matrix, into out: inout [Float]) {
    out.removeAll(keepingCapacity: true)
    x.withUnsafeBufferPointer { p in
        for r in 0..<x.rows {
            out.append(logSumExp(UnsafeBufferPointer(rebasing: p[(r * x.cols)..<((r + 1) * x.cols)])))
        }
    }
}

/// Row-wise softmax `p_ij = exp(x_ij - lse_i)` of a `B x C` matrix into `out` (resized to `B x C`).
/// Rows sum to 1 up to rounding; `-inf` logits give probability 0.
public func softmax(rowsOf x: Matrix, into out: inout Matrix) {
    out.resize(rows: x.rows, cols: x.cols)
    let cols = x.cols
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for r in 0..<x.rows {
                let base = r * cols
                let lse = logSumExp(UnsafeBufferPointer(rebasing: src[base..<(base + cols)]))
                for j in base..<(base + cols) { dst[j] = exp(src[j] - lse) }
            }
        }
    }
}

/// Row-wise log-softmax `x_ij - lse_i` into `out` (resized to `B x C`).
public func logSoftmax(rowsOf x: Matrix, into out: inout Matrix) {
    out.resize(rows: x.rows, cols: x.cols)
    let cols = x.cols
    x.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for r in 0..<x.rows {
                let base = r * cols
                let lse = logSumExp(UnsafeBufferPointer(rebasing: src[base..<(base + cols)]))
                for j in base..<(base + cols) { dst[j] = src[j] - lse }
            }
        }
    }
}

import Foundation

// Row-blocked shifted exponentials, the shared first half of every softmax-based loss.
//
// For a block of rows (about 4096 elements, so it stays in L1): each row's max `m_i` is found,
// `g_ij = z_ij - m_i` written, then one flat vectorized `exp` runs over the whole block (no
// per-row partial SIMD blocks, which dominate for short rows such as C = 10), and the caller
// finishes each row from `s_i = sum_j g_ij`.

/// Rows per block for rows of `cols` elements.
@inline(__always)
func softmaxBlockRows(cols: Int) -> Int { Swift.max(1, Swift.min(256, 4096 / Swift.max(cols, 1))) }

/// `p[k] = exp(p[k])` for `k < count`, vectorized.
func simdExpInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 8 <= count {
        let e = expLanes(UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self))
        UnsafeMutableRawPointer(p + j).storeBytes(of: e, as: SIMD8<Float>.self)
        j += 8
    }
    if j < count { simdStorePartial(expLanes(simdLoadPartial(p + j, count - j)), p + j, count - j) }
}

/// Sum of `count` floats with eight partial sums.
@inline(__always)
func simdRowSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    if count < 16 {
        var s: Float = 0
        for j in 0..<count { s += p[j] }
        return s
    }
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= count {
        acc += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
        j += 8
    }
    let h = acc.lowHalf + acc.highHalf
    let q = h.lowHalf + h.highHalf
    var s = q[0] + q[1]
    while j < count { s += p[j]; j += 1 }
    return s
}

/// Row maximum, NaN if the row holds a NaN (`maxPropagatingNaN`, scalar for short rows).
@inline(__always)
func simdRowMax(_ p: UnsafePointer<Float>, count: Int) -> Float {
    if count >= 16 { return maxPropagatingNaN(p, count: count) }
    var m = -Float.infinity
    var nan = false
    for j in 0..<count {
        let v = p[j]
        if v > m { m = v }
        if v != v { nan = true }
    }
    return nan ? .nan : m
}

/// Runs the shifted-exp stage over all rows of `z` (`rows x cols`) into `g`, then calls
/// `finish(i, z_i, g_i, m_i)` for every row not `skip`ped, with `g_i` holding `exp(z_ij - m_i)`.
/// Skipped rows are left as zeros.
@_transparent  // guaranteed inlining, so that the row closures are inlined too
func forEachShiftedExpRow(
    z z0: UnsafePointer<Float>, g g0: UnsafeMutablePointer<Float>, rows: Int, cols c: Int,
    skip: (Int) -> Bool,
    finish: (_ row: Int, _ z: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ max: Float) -> Void
) {
    let block = softmaxBlockRows(cols: c)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { maxima in
        var r0 = 0
        while r0 < rows {
            let r1 = Swift.min(rows, r0 + block)
            for i in r0..<r1 {
                let z = z0 + i * c, g = g0 + i * c
                if skip(i) {
                    g.update(repeating: -.infinity, count: c)  // exp -> exactly 0
                    maxima[i - r0] = 0
                    continue
                }
                let m = simdRowMax(z, count: c)
                maxima[i - r0] = m
                for j in 0..<c { g[j] = z[j] - m }
            }
            simdExpInPlace(g0 + r0 * c, count: (r1 - r0) * c)
            for i in r0..<r1 where !skip(i) {
                finish(i, z0 + i * c, g0 + i * c, maxima[i - r0])
            }
            r0 = r1
        }
    }
}

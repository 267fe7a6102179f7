// Vectorized `exp` and `log1p` on `SIMD8<Float>`, written with plain `*` and `+` so that they
// compile to packed SSE instructions on baseline x86-64 (no per-lane libm calls).
//
// Accuracy: both are Cephes-style range reductions with minimax polynomials; measured error is
// below 3e-7 relative (about 2 ulp) over the whole range (see `StableMathTests`), far inside the 1e-5 relative
// tolerance the losses are held to. NaN propagates; `exp(-inf) = 0`, `exp(+inf) = +inf`.

let expOverflowBound: Float = 88.72283     // exp(x) > Float.greatestFiniteMagnitude above
let expUnderflowBound: Float = -103.97208  // exp(x) < 2^-150 (rounds to 0) below

/// `e^x` per lane. Results below the smallest subnormal are exactly 0, above the largest finite
/// `Float` exactly `+inf`; NaN lanes stay NaN.
///
/// Method: `x = n ln2 + r`, `|r| <= ln2/2` (`n` by the 1.5·2^23 rounding trick, `ln2` split in a
/// 9-bit high part and a low part so that `n·ln2_hi` is exact), `e^r` by a degree-7 polynomial,
/// and `2^n` applied as two factors `2^(n>>1) · 2^(n - n>>1)` so that subnormal results and
/// `n = 128` are handled without overflowing the exponent field.
public func vexp(_ x: SIMD8<Float>) -> SIMD8<Float> { expLanes(x) }

/// The body of `vexp`, always inlined into the loss kernels.
@_transparent  // guaranteed inlining: @inline(__always) is not honoured for a body this size (measured)
func expLanes(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // Clamp (NaN-preserving: comparisons with NaN are false, so NaN lanes are not replaced).
    var xc = x.replacing(with: expOverflowBound, where: x .> expOverflowBound)
    xc = xc.replacing(with: expUnderflowBound, where: xc .< expUnderflowBound)
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5 * 2^23: adding it rounds to an integer
    let t = xc * 1.442_695_04 + magic
    let fx = t - magic
    let n = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
    var r = xc - fx * 0.693_359_375
    r = r + fx * 2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * (r * r) + r + 1
    let n1 = n &>> 1
    let n2 = n &- n1
    let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: SIMD8<Float>.self)
    let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: SIMD8<Float>.self)
    var result = (p * s1) * s2
    result = result.replacing(with: 0, where: x .< expUnderflowBound)
    result = result.replacing(with: .infinity, where: x .> expOverflowBound)
    return result.replacing(with: x, where: x .!= x)
}

/// `log(1 + e)` per lane for `e` in `[0, 1]` (the range `softplus` needs: `e = exp(-|x|)`).
///
/// `1 + e = 2^k (1 + t)` with `k = 1` when `e > sqrt(2) - 1` (then `t = (e - 1)/2`, at most one rounding),
/// otherwise `k = 0` and `t = e` itself (no rounding of `1 + e`, so tiny `e` keep full relative
/// precision); `log(1 + t)` by the Cephes `logf` polynomial on `[sqrt(1/2) - 1, sqrt(2) - 1]`.
/// NaN lanes stay NaN. Not valid outside `[0, 1]`.
public func vlog1pUnit(_ e: SIMD8<Float>) -> SIMD8<Float> { log1pUnitLanes(e) }

/// The body of `vlog1pUnit`, always inlined into the loss kernels.
@_transparent  // as above
func log1pUnitLanes(_ e: SIMD8<Float>) -> SIMD8<Float> {
    let big = e .> 0.414_213_56
    let t = e.replacing(with: (e - 1) * 0.5, where: big)
    let k = SIMD8<Float>(repeating: 0).replacing(with: 1, where: big)
    let z = t * t
    var y = SIMD8<Float>(repeating: 7.037_683_629_2e-2)
    y = y * t - 1.151_461_031_0e-1
    y = y * t + 1.167_699_874_0e-1
    y = y * t - 1.242_014_084_6e-1
    y = y * t + 1.424_932_278_7e-1
    y = y * t - 1.666_805_766_5e-1
    y = y * t + 2.000_071_476_5e-1
    y = y * t - 2.499_999_399_3e-1
    y = y * t + 3.333_333_117_4e-1
    y = y * t * z
    y = y + k * -2.121_944_40e-4
    y = y - z * 0.5
    return t + y + k * 0.693_359_375
}

/// Loads up to 8 floats from `p` (lanes past `count` are `fill`).
@inline(__always)
func simdLoadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> SIMD8<Float> {
    if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>(repeating: fill)
    for k in 0..<count { v[k] = p[k] }
    return v
}

/// Stores the first `min(count, 8)` lanes of `v` at `p`.
@inline(__always)
func simdStorePartial(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        return
    }
    for k in 0..<count { p[k] = v[k] }
}

/// `dst[j] = exp(src[j] - shift)` for `j < count`, returning `sum_j dst[j]` (eight partial sums,
/// added pairwise at the end). `dst` may alias `src`.
public func expShiftedSum(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int, shift: Float
) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    let s = SIMD8<Float>(repeating: shift)
    while j + 8 <= count {
        let e = expLanes(UnsafeRawPointer(src + j).loadUnaligned(as: SIMD8<Float>.self) - s)
        UnsafeMutableRawPointer(dst + j).storeBytes(of: e, as: SIMD8<Float>.self)
        acc += e
        j += 8
    }
    if j < count {
        let n = count - j
        // Pad with -inf so the padded lanes contribute exp(-inf) = 0.
        let e = expLanes(simdLoadPartial(src + j, n, fill: -.infinity) - s)
        simdStorePartial(e, dst + j, n)
        acc += e
    }
    let h = acc.lowHalf + acc.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

/// Largest element of `count >= 1` floats, or NaN if any element is NaN (Swift's `max` and
/// `pointwiseMax` would silently drop a NaN, so NaN is tracked separately).
public func maxPropagatingNaN(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var m = SIMD8<Float>(repeating: -.infinity)
    var nan = SIMDMask<SIMD8<Int32>>(repeating: false)
    var j = 0
    while j + 8 <= count {
        let v = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<Float>.self)
        m = m.replacing(with: v, where: v .> m)
        nan = nan .| (v .!= v)
        j += 8
    }
    var best = -Float.infinity
    var sawNaN = any(nan)
    for k in 0..<8 where m[k] > best { best = m[k] }
    while j < count {
        let v = p[j]
        if v > best { best = v }
        if v.isNaN { sawNaN = true }
        j += 1
    }
    return sawNaN ? .nan : best
}

/// `|v|` per lane (clears the sign bit; NaN stays NaN).
@inline(__always)
public func vabs(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
}

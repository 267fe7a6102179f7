import CLogitsKernels

// The vectorized element kernel shared by `SigmoidBinaryCrossEntropy` and `MultiLabelSoftMargin`.
//
// Per element, with e = exp(-|x|), L = log1p(e), sigma(-|x|) = e / (1 + e):
//
//     softplus(x)  = max(x, 0) + L         softplus(-x) = max(-x, 0) + L
//     loss = w [pw y softplus(-x) + (1 - y) softplus(x)]          (two non-negative terms)
//     grad = w [(pw y + 1 - y) sigma(x) - pw y]
//          = w [(1 - y) - k sigma(-x)]   for x >= 0      (k = pw y + 1 - y)
//          = w [k sigma(x) - pw y]       for x <  0
//
// The two gradient forms are the same number; each picks the side where the small sigmoid is
// computed directly, so saturated logits keep the tiny residual (e.g. -sigma(-30)) instead of 0.

struct SigmoidBCEKernel {
    /// Weight source: per-label pointer, per-element pointer (row stride = cols), or per-sample.
    var labelWeight: UnsafePointer<Float>?
    var elementWeight: UnsafePointer<Float>?
    var sampleWeight: UnsafePointer<Float>?
    var posWeight: UnsafePointer<Float>?

    @_transparent  // guaranteed inlining into the row loops (see expLanes)
    static func block(
        _ x: SIMD8<Float>, _ y: SIMD8<Float>, _ w: SIMD8<Float>, _ pw: SIMD8<Float>
    ) -> (loss: SIMD8<Float>, grad: SIMD8<Float>) {
        let e = expLanes(-vabs(x))
        let l = log1pUnitLanes(e)
        let sSmall = e / (1 + e)                      // sigma(-|x|)
        let neg = x .< 0
        let relu = x.replacing(with: 0, where: neg)   // max(x, 0); NaN stays NaN
        let reluNeg = relu - x                        // max(-x, 0), exact
        let pwy = pw * y
        let oneMinusY = 1 - y
        let k = pwy + oneMinusY
        // pw y softplus(-x) + (1 - y) softplus(x) = k L + pw y max(-x, 0) + (1 - y) max(x, 0)
        let loss = w * (k * l + pwy * reluNeg + oneMinusY * relu)
        let ks = k * sSmall
        let g = (oneMinusY - ks).replacing(with: ks - pwy, where: neg)
        return (loss, w * g)
    }

    /// Runs over `rows x cols`; writes `grad = scale * d loss/d x` and (if `values` is non-nil)
    /// the per-element losses. Returns the summed loss and whether some target was outside [0, 1]
    /// or NaN (the caller throws; outputs are then meaningless).
    func run(
        x: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int, cols: Int, scale: Float,
        grad: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>?
    ) -> (total: Double, badTarget: Bool) {
        // Without per-label or per-sample factors every element is treated alike: run over the
        // matrix as one long row (short rows such as C = 10 would otherwise be mostly tail).
        let flat = labelWeight == nil && posWeight == nil && sampleWeight == nil
        if flat && elementWeight == nil && VectorMath.usesAVX2 {
            // Unit weights on an AVX2 CPU: the C kernel (the same formulas with k = w = 1, 256-bit
            // lanes, FMA, a direct log1p polynomial on [0, 1], exp(-|x|) held at >= 2^-126;
            // see vector_math_avx2.c).
            var bad: Int32 = 0
            let total = logits_sigmoid_bce_avx2(x, y, rows * cols, scale, grad, values, &bad)
            return (total, bad != 0)
        }
        let (rows, cols) = flat ? (1, rows * cols) : (rows, cols)
        var total: Double = 0
        var bad = SIMDMask<SIMD8<Int32>>(repeating: false)
        let one = SIMD8<Float>(repeating: 1)
        let scaleV = SIMD8<Float>(repeating: scale)
        for i in 0..<rows {
            let rowW: SIMD8<Float> = sampleWeight.map { SIMD8(repeating: $0[i]) } ?? one
            let xr = x + i * cols, yr = y + i * cols, gr = grad + i * cols
            let er = elementWeight.map { $0 + i * cols }
            var acc = SIMD8<Float>(repeating: 0)
            var j = 0
            // Full blocks of 8.
            while j + 8 <= cols {
                let xv = UnsafeRawPointer(xr + j).loadUnaligned(as: SIMD8<Float>.self)
                let yv = UnsafeRawPointer(yr + j).loadUnaligned(as: SIMD8<Float>.self)
                var w = rowW
                if let lw = labelWeight { w = w * UnsafeRawPointer(lw + j).loadUnaligned(as: SIMD8<Float>.self) }
                if let ew = er { w = w * UnsafeRawPointer(ew + j).loadUnaligned(as: SIMD8<Float>.self) }
                let pw = posWeight.map { UnsafeRawPointer($0 + j).loadUnaligned(as: SIMD8<Float>.self) } ?? one
                bad = bad .| .!((yv .>= 0) .& (yv .<= 1))
                let (l, g) = Self.block(xv, yv, w, pw)
                UnsafeMutableRawPointer(gr + j).storeBytes(of: g * scaleV, as: SIMD8<Float>.self)
                if let v = values { UnsafeMutableRawPointer(v + i * cols + j).storeBytes(of: l, as: SIMD8<Float>.self) }
                acc += l
                j += 8
                if j & 1023 == 0 {  // flush to Double every 1024 elements
                    let h = acc.lowHalf + acc.highHalf
                    let q = h.lowHalf + h.highHalf
                    total += Double(q[0] + q[1])
                    acc = SIMD8<Float>(repeating: 0)
                }
            }
            // The last partial block: padded lanes have weight 0, so they add exactly 0.
            if j < cols {
                let n = cols - j
                let xv = simdLoadPartial(xr + j, n)
                let yv = simdLoadPartial(yr + j, n)
                var w = rowW.replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(n))
                if let lw = labelWeight { w = w * simdLoadPartial(lw + j, n) }
                if let ew = er { w = w * simdLoadPartial(ew + j, n) }
                let pw = posWeight.map { simdLoadPartial($0 + j, n) } ?? one
                bad = bad .| .!((yv .>= 0) .& (yv .<= 1))
                let (l, g) = Self.block(xv, yv, w, pw)
                simdStorePartial(g * scaleV, gr + j, n)
                if let v = values { simdStorePartial(l, v + i * cols + j, n) }
                acc += l
            }
            let h = acc.lowHalf + acc.highHalf
            let q = h.lowHalf + h.highHalf
            total += Double(q[0] + q[1])
        }
        return (total, any(bad))
    }
}

import CLogitsKernels

/// The widest implementation of the vectorized math the CPU level allows (`CPULevel.active`):
/// C AVX2 + FMA kernels (`CLogitsKernels`, compiled with target attributes) on x86-64 CPUs that
/// have them, the Swift `SIMD8` code (`vexp`, `vlog1pUnit`: SSE on baseline x86-64, NEON on arm64)
/// elsewhere and under `LOGITS_CPU=baseline`. Both use the same range reductions and polynomials.
public enum VectorMath {
    /// Whether the AVX2 kernels are in use in this process.
    public static let usesAVX2 = CPULevel.active >= .avx2

    /// `dst[i] = exp(src[i])` for `i < count` (`dst` may alias `src`); same special values as `vexp`.
    public static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int, level: CPULevel = CPULevel.active) {
        if level >= .avx2 && CPULevel.hardware >= .avx2 {
            logits_exp_avx2(src, dst, count)
            return
        }
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(dst + i).storeBytes(
                of: expLanes(UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
            i += 8
        }
        if i < count { simdStorePartial(expLanes(simdLoadPartial(src + i, count - i)), dst + i, count - i) }
    }
}

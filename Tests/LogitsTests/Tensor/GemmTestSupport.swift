@testable import Logits

/// Deterministic operands and a float64 reference for the GEMM tests.
enum GemmReference {
    /// A small linear congruential generator: the same values on every platform and run.
    struct Generator {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        mutating func values(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    /// `alpha * op(A) * op(B) + beta * C` in Double, with the same stride conventions as `GemmBackend`
    /// (`beta == 0` ignores `c`).
    static func multiply(
        transA: Transpose, transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc = 0.0
                for p in 0..<k {
                    let av = transA == .none ? a[i * lda + p] : a[p * lda + i]
                    let bv = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                    acc += Double(av) * Double(bv)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                out[i * n + j] = Double(alpha) * acc + old
            }
        }
        return out
    }

    /// `||got - want||_F / max(||want||_F, tiny)` over the `m x n` block of `got` (row stride `ldc`).
    static func relativeError(_ got: [Float], ldc: Int, _ want: [Double], m: Int, n: Int) -> Double {
        var diff = 0.0, norm = 0.0
        for i in 0..<m {
            for j in 0..<n {
                let g = Double(got[i * ldc + j]), w = want[i * n + j]
                diff += (g - w) * (g - w)
                norm += w * w
            }
        }
        return diff.squareRoot() / max(norm.squareRoot(), 1e-30)
    }

    /// Runs `backend` on random operands with padded leading dimensions (`pad` extra columns)
    /// and returns the relative Frobenius error against the Double reference, or `nil` when a value
    /// that should be finite is not.
    static func check(
        _ backend: any GemmBackend, transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float, pad: Int = 0, nanInC: Bool = false, seed: UInt64 = 1
    ) -> Double? {
        var gen = Generator(state: seed &+ UInt64(m * 1_000_003 + n * 1009 + k))
        let aRows = transA == .none ? m : k, aCols = transA == .none ? k : m
        let bRows = transB == .none ? k : n, bCols = transB == .none ? n : k
        let lda = aCols + pad, ldb = bCols + pad, ldc = n + pad
        let a = gen.values(aRows * lda), b = gen.values(bRows * ldb)
        var c = nanInC ? [Float](repeating: .nan, count: m * ldc) : gen.values(m * ldc)
        let want = multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    backend.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                  a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                  beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n where !c[i * ldc + j].isFinite { return nil }
        }
        // Padding columns of C must be untouched.
        if pad > 0 && !nanInC {
            var fresh = Generator(state: seed &+ UInt64(m * 1_000_003 + n * 1009 + k))
            _ = fresh.values(aRows * lda); _ = fresh.values(bRows * ldb)
            let original = fresh.values(m * ldc)
            for i in 0..<m {
                for j in n..<ldc where c[i * ldc + j] != original[i * ldc + j] { return .infinity }
            }
        }
        return relativeError(c, ldc: ldc, want, m: m, n: n)
    }

    /// Mixed shapes over the sizes 1, 3, 7, 33, 65, 129, 257 (not the full cube: debug builds are slow).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 7, 3), (3, 1, 7), (7, 3, 1), (3, 33, 7), (33, 7, 65),
        (7, 65, 33), (65, 33, 3), (33, 129, 7), (129, 3, 33), (1, 257, 65), (257, 1, 33),
        (33, 65, 257), (129, 33, 65), (33, 257, 33), (257, 7, 7),
    ]
    static let transposes: [(Transpose, Transpose)] = [(.none, .none), (.none, .transpose), (.transpose, .none), (.transpose, .transpose)]
    static let scalars: [(alpha: Float, beta: Float)] = [(1, 0), (-0.5, 0), (1, 1), (2, -0.75), (0, 0.5)]
}

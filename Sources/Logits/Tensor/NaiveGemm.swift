/// The textbook triple loop: the algorithmic reference the fast backends are tested against.
/// Correct for every shape and transpose; slow. Never chosen by default.
public struct NaiveGemm: GemmBackend {
    public init() {}
    public var name: String { "naive" }

    public func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for p in 0..<k {
                    let av = transA == .none ? a[i * lda + p] : a[p * lda + i]
                    let bv = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                    acc += av * bv
                }
                let old = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * acc + old
            }
        }
    }
}

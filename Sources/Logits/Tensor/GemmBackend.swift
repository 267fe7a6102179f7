/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable, Equatable {
    case none
    case transpose
}

/// A single-precision general matrix multiply on row-major operands:
///
///     C = alpha * op(A) * op(B) + beta * C
///
/// `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`. `lda`, `ldb`, `ldc` are the row
/// strides (leading dimensions) of the operands *as stored*: A is `m x k` (`lda >= k`) when not
/// transposed, `k x m` (`lda >= m`) when transposed; likewise for B. When `beta == 0`, `C` is
/// written without being read (NaN in C does not propagate), as BLAS specifies.
public protocol GemmBackend: Sendable {
    /// Short name printed by `logits info` and the benchmarks (`swift`, `openblas`, ...).
    var name: String { get }

    func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    )
}

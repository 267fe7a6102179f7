/// Matrix-level GEMM over `Matrix` values, dispatched to the selected backend.
public enum Gemm {
    /// The backend used when none is passed explicitly, chosen once at first use: the one
    /// `LOGITS_BACKEND` forces, else the best available (Accelerate on Apple, then OpenBLAS when it
    /// loads, then the portable Swift kernel). A forced backend that cannot be used never traps:
    /// `shared` falls back to the best available one and `selection` holds the error.
    /// See `selection` and `effectiveSelection` for why it was chosen.
    public static var shared: any GemmBackend { effectiveSelection.backend }

    /// `c = alpha * op(a) * op(b) + beta * c`, shapes checked.
    ///
    /// - Parameters:
    ///   - a: `m x k` (or `k x m` with `transA == .transpose`).
    ///   - b: `k x n` (or `n x k` with `transB == .transpose`).
    ///   - c: `m x n`; with `beta == 0` it is resized to `m x n` (within its capacity) and overwritten.
    /// - Throws: `LogitsError.shapeMismatch` when the inner dimensions or `c` do not fit.
    public static func multiply(
        _ a: Matrix, _ transA: Transpose = .none,
        _ b: Matrix, _ transB: Transpose = .none,
        into c: inout Matrix,
        alpha: Float = 1, beta: Float = 0,
        backend: (any GemmBackend)? = nil
    ) throws {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        guard k == kb else {
            throw LogitsError.shapeMismatch("gemm inner dimensions differ: op(A) is \(m)x\(k), op(B) is \(kb)x\(n)")
        }
        if beta == 0 {
            c.resize(rows: m, cols: n)
        } else if c.rows != m || c.cols != n {
            throw LogitsError.shapeMismatch("gemm output is \(c.rows)x\(c.cols), expected \(m)x\(n)")
        }
        if m == 0 || n == 0 { return }
        let impl = backend ?? shared
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if k == 0 {
                        // op(A)op(B) is the zero matrix: only the beta scaling remains.
                        for i in pc.indices { pc[i] = beta == 0 ? 0 : beta * pc[i] }
                        return
                    }
                    impl.sgemm(
                        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: max(1, a.cols),  // trap-ok: non-empty checked above
                        b: pb.baseAddress!, ldb: max(1, b.cols),  // trap-ok: non-empty checked above
                        beta: beta,
                        c: pc.baseAddress!, ldc: n)  // trap-ok: non-empty checked above
                }
            }
        }
    }
}

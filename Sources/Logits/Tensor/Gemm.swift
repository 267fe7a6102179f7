import CLogitsKernels

/// Matrix-level GEMM over `Matrix` values, dispatched to the selected backend.
public enum Gemm {
    /// The backend used when none is passed explicitly, chosen once at first use: the one
    /// `LOGITS_BACKEND` forces, else the fastest available one as measured at first use (see
    /// `Gemm.select(environment:)`). A forced backend that cannot be used never traps:
    /// `shared` falls back to the best available one and `selection` holds the error.
    /// See `selection` and `effectiveSelection` for why it was chosen.
    public static var shared: any GemmBackend { effectiveSelection.backend }

    /// `c = alpha * op(a) * op(b) + beta * c`, shapes checked.
    ///
    /// - Parameters:
    ///   - a: `m x k` (or `k x m` with `transA == .transpose`).
    ///   - b: `k x n` (or `n x k` with `transB == .transpose`).
    ///   - transA: whether `a` is used transposed.
    ///   - transB: whether `b` is used transposed.
    ///   - alpha: scales the product.
    ///   - beta: scales the old `c` (0: `c` is overwritten, NaN in it ignored).
    ///   - c: `m x n`; with `beta == 0` it is resized to `m x n` (within its capacity) and overwritten.
    ///   - backend: the GEMM backend (default: the selected one, `Gemm.shared`).
    /// - Throws: `LogitsError.shapeMismatch` when the inner dimensions or `c` do not fit.
    public static func multiply(
        _ a: Matrix, _ transA: Transpose = .none,
        _ b: Matrix, _ transB: Transpose = .none,
        into c: inout Matrix,
        alpha: Float = 1, beta: Float = 0,
        backend: (any GemmBackend)? = nil
    ) throws {
        try multiply(a, transA, b, transB, into: &c, alpha: alpha, beta: beta, backend: backend, bias: nil, activation: nil)
    }

    /// `c = f(op(a) * op(b) + bias)` with the bias row and the activation applied as an epilogue of
    /// the product (block by block while in cache with `SwiftGemm`, one pass after it otherwise):
    /// the `Dense` forward `Y = f(X Wᵀ + b)`.
    ///
    /// - Parameters:
    ///   - a: `m x k` (or `k x m` with `transA == .transpose`).
    ///   - b: `k x n` (or `n x k` with `transB == .transpose`).
    ///   - bias: `1 x n` (or `n x 1`), added to every row of the product.
    ///   - activation: applied after the bias, or `nil` for none.
    ///   - c: resized to `m x n` and overwritten.
    ///   - transA: whether `a` is used transposed.
    ///   - transB: whether `b` is used transposed.
    ///   - backend: the GEMM backend (default: the selected one, `Gemm.shared`).
    /// - Throws: `LogitsError.shapeMismatch` when the inner dimensions or the bias length do not fit.
    public static func multiplyAddingBias(
        _ a: Matrix, _ transA: Transpose = .none,
        _ b: Matrix, _ transB: Transpose = .none,
        bias: Matrix, activation: Activation?,
        into c: inout Matrix,
        backend: (any GemmBackend)? = nil
    ) throws {
        let n = transB == .none ? b.cols : b.rows
        guard bias.count == n else {
            throw LogitsError.shapeMismatch("gemm bias has \(bias.count) values, expected \(n)")
        }
        try bias.withUnsafeBufferPointer { pb in
            try multiply(a, transA, b, transB, into: &c, alpha: 1, beta: 0, backend: backend,
                         bias: pb.baseAddress, activation: activation)
        }
    }

    static func multiply(
        _ a: Matrix, _ transA: Transpose, _ b: Matrix, _ transB: Transpose,
        into c: inout Matrix, alpha: Float, beta: Float, backend: (any GemmBackend)?,
        bias: UnsafePointer<Float>?, activation: Activation?
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
        let epilogue = bias == nil && activation == nil ? nil : GemmEpilogue(bias: bias, activation: activation)
        let profileStart = logits_prof_flag() != 0 ? TrainingProfile.now() : 0  // TrainingProfile
        defer { if profileStart != 0 { TrainingProfile.add(.gemm, TrainingProfile.now() &- profileStart) } }
        let impl = backend ?? shared
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    let cp = pc.baseAddress!  // trap-ok: m, n > 0 checked above
                    if k == 0 {
                        // op(A)op(B) is the zero matrix: only the beta scaling remains.
                        for i in pc.indices { pc[i] = beta == 0 ? 0 : beta * pc[i] }
                        epilogue?.apply(c: cp, ldc: n, rows: 0..<m, cols: 0..<n)
                        return
                    }
                    let ap = pa.baseAddress!  // trap-ok: m, k > 0 checked above
                    let bp = pb.baseAddress!  // trap-ok: k, n > 0 checked above
                    if let swift = impl as? SwiftGemm {
                        swift.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                    a: ap, lda: max(1, a.cols), b: bp, ldb: max(1, b.cols),
                                    beta: beta, c: cp, ldc: n, epilogue: epilogue)
                    } else {
                        impl.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                   a: ap, lda: max(1, a.cols), b: bp, ldb: max(1, b.cols),
                                   beta: beta, c: cp, ldc: n)
                        epilogue?.apply(c: cp, ldc: n, rows: 0..<m, cols: 0..<n)
                    }
                }
            }
        }
    }
}

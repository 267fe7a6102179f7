/// GEMM through a CBLAS `cblas_sgemm` loaded at run time (OpenBLAS on Linux, Accelerate on Apple).
///
/// Computes `C = alpha * op(A) * op(B) + beta * C` (row-major) with one call to the library.
/// Sizes beyond the 32-bit CBLAS interface fall back to the portable `SwiftGemm` kernel.
/// Before each call the library is given `Threading.threadCount` threads when it accepts a count
/// (`openblas_set_num_threads`).
public struct CBLASGemm: GemmBackend {
    /// `openblas` or `accelerate`.
    public let name: String
    /// The shared library file that provided `cblas_sgemm`.
    public var libraryPath: String { library.path }
    /// The library's own report of its thread count (`openblas_get_num_threads`), when it has one.
    public var libraryThreads: Int? { library.reportedThreads }
    /// OpenBLAS's kernel family for this CPU (`openblas_get_corename()`), when exported.
    public var coreName: String? { library.coreName }
    /// OpenBLAS's version and build options (`openblas_get_config()`), when exported.
    public var config: String? { library.config }
    /// `path, core NAME, CONFIG` for reports.
    public var summary: String {
        var parts = [libraryPath]
        if let coreName { parts.append("core \(coreName)") }
        if let config { parts.append(config) }
        return parts.joined(separator: ", ")
    }

    let library: CBLASLibrary

    init(name: String, library: CBLASLibrary) {
        self.name = name
        self.library = library
    }

    /// Where `openblas` is looked for: `$LOGITS_BLAS_LIBRARY` alone when it is set, else
    /// `libopenblas.so.0`, then `libopenblas.so` (`libopenblas.dylib` on Apple).
    public static func openBLASCandidates(environment: [String: String]) -> [String] {
        if let path = environment["LOGITS_BLAS_LIBRARY"], !path.isEmpty { return [path] }
        #if canImport(Darwin)
        return ["libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                "/usr/local/opt/openblas/lib/libopenblas.dylib"]
        #else
        return ["libopenblas.so.0", "libopenblas.so"]
        #endif
    }

    /// Loads OpenBLAS from `openBLASCandidates(environment:)`.
    /// - Throws: `LogitsError.unavailable` naming every path tried and the loader's reason.
    public static func openBLAS(environment: [String: String]) throws -> CBLASGemm {
        let library = try CBLASLibrary.open(label: "openblas", candidates: openBLASCandidates(environment: environment))
        return CBLASGemm(name: "openblas", library: library)
    }

    /// Loads Accelerate's CBLAS (Apple platforms only).
    /// - Throws: `LogitsError.unavailable` elsewhere, or when the framework cannot be opened.
    public static func accelerate() throws -> CBLASGemm {
        #if canImport(Accelerate)
        let library = try CBLASLibrary.open(label: "accelerate", candidates: [
            "/System/Library/Frameworks/Accelerate.framework/Accelerate",
            "/System/Library/Frameworks/Accelerate.framework/Versions/Current/Accelerate",
        ])
        return CBLASGemm(name: "accelerate", library: library)
        #else
        throw LogitsError.unavailable("accelerate: only available on Apple platforms")
        #endif
    }

    public func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let limit = Int(Int32.max)
        guard m <= limit, n <= limit, k <= limit, lda <= limit, ldb <= limit, ldc <= limit else {
            SwiftGemm().sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        library.apply(threads: Threading.threadCount)
        library.sgemm(
            CBLAS.rowMajor,
            transA == .none ? CBLAS.noTrans : CBLAS.trans,
            transB == .none ? CBLAS.noTrans : CBLAS.trans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

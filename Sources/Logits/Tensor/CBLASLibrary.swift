#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `cblas_sgemm` as exported by OpenBLAS and Accelerate (LP64 interface: 32-bit `int` sizes,
/// enums passed as `int`): layout, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc.
typealias CBLASSgemmFunction = @convention(c) (
    Int32, Int32, Int32, Int32, Int32, Int32, Float,
    UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
    UnsafeMutablePointer<Float>?, Int32
) -> Void
/// `openblas_set_num_threads(int)`.
typealias CBLASSetThreadsFunction = @convention(c) (Int32) -> Void
/// `openblas_get_num_threads(void)`.
typealias CBLASGetThreadsFunction = @convention(c) () -> Int32
/// `openblas_get_corename(void)` / `openblas_get_config(void)`: static C strings.
typealias CBLASStringFunction = @convention(c) () -> UnsafePointer<CChar>?

/// CBLAS constants (`cblas.h`).
enum CBLAS {
    static let rowMajor: Int32 = 101
    static let noTrans: Int32 = 111
    static let trans: Int32 = 112
}

/// A CBLAS library opened at run time with `dlopen` and never closed (its symbols live as long as
/// the process). No build-time dependency: when the library is missing, loading throws
/// `LogitsError.unavailable` and the caller picks another backend.
final class CBLASLibrary: @unchecked Sendable {  // unchecked: immutable after init; `appliedThreads` is locked
    /// The path that `dlopen` accepted.
    let path: String
    let sgemm: CBLASSgemmFunction
    let setThreads: CBLASSetThreadsFunction?
    let getThreads: CBLASGetThreadsFunction?
    /// `openblas_get_corename()`: the kernel family OpenBLAS picked for this CPU (e.g. `Haswell`,
    /// `SkylakeX`, or `Prescott` when it does not know the CPU), when the library exports it.
    let coreName: String?
    /// `openblas_get_config()`: version and build options (e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ...`).
    let config: String?
    private let appliedThreads = TensorLockedValue<Int>(0)

    private init(path: String, sgemm: CBLASSgemmFunction,
                 setThreads: CBLASSetThreadsFunction?, getThreads: CBLASGetThreadsFunction?,
                 coreName: String?, config: String?) {
        self.path = path
        self.sgemm = sgemm
        self.setThreads = setThreads
        self.getThreads = getThreads
        self.coreName = coreName
        self.config = config
    }

    /// Calls a `const char *f(void)` export, if present, and copies the string.
    private static func string(_ handle: UnsafeMutableRawPointer, _ name: String) -> String? {
        guard let symbol = dlsym(handle, name) else { return nil }
        let function = unsafeBitCast(symbol, to: CBLASStringFunction.self)
        guard let text = function() else { return nil }
        let value = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    /// Opens the first of `candidates` that loads and exports `cblas_sgemm`.
    /// - Throws: `LogitsError.unavailable` starting with `label`, listing each candidate and why it failed.
    static func open(label: String, candidates: [String]) throws -> CBLASLibrary {
        var failures: [String] = []
        for candidate in candidates {
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
                failures.append("\(candidate): \(reason)")
                continue
            }
            guard let symbol = dlsym(handle, "cblas_sgemm") else {
                failures.append("\(candidate): no cblas_sgemm symbol")
                dlclose(handle)
                continue
            }
            let set = dlsym(handle, "openblas_set_num_threads").map {
                unsafeBitCast($0, to: CBLASSetThreadsFunction.self)
            }
            let get = dlsym(handle, "openblas_get_num_threads").map {
                unsafeBitCast($0, to: CBLASGetThreadsFunction.self)
            }
            return CBLASLibrary(
                path: resolvedPath(handle: handle, symbol: symbol) ?? candidate,
                sgemm: unsafeBitCast(symbol, to: CBLASSgemmFunction.self),
                setThreads: set, getThreads: get,
                coreName: string(handle, "openblas_get_corename"), config: string(handle, "openblas_get_config"))
        }
        throw LogitsError.unavailable("\(label) could not be loaded (" + failures.joined(separator: "; ") + ")")
    }

    /// The file the symbol came from (e.g. `/usr/lib/x86_64-linux-gnu/libopenblas.so.0`).
    private static func resolvedPath(handle: UnsafeMutableRawPointer, symbol: UnsafeMutableRawPointer) -> String? {
        #if canImport(Darwin)
        var info = Dl_info()
        guard dladdr(symbol, &info) != 0, let name = info.dli_fname else { return nil }
        return String(cString: name)
        #else
        // glibc hides dladdr behind _GNU_SOURCE: find the mapping that holds the symbol instead.
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        let address = UInt(bitPattern: symbol)
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[5].hasPrefix("/") else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let lo = UInt(bounds[0], radix: 16), let hi = UInt(bounds[1], radix: 16) else { continue }
            if lo <= address && address < hi { return fields[5...].joined(separator: " ") }
        }
        return nil
        #endif
    }

    /// Makes the library use `threads` threads if it can be told (OpenBLAS); a no-op when the
    /// count is already applied, so it is cheap enough to call before every GEMM.
    func apply(threads: Int) {
        guard let setThreads else { return }
        appliedThreads.withLock { applied in
            if applied != threads {
                setThreads(Int32(clamping: threads))
                applied = threads
            }
        }
    }

    /// The library's own thread count, when it reports one.
    var reportedThreads: Int? { getThreads.map { Int($0()) } }
}

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
    private let appliedThreads = TensorLockedValue<Int>(0)

    private init(path: String, sgemm: CBLASSgemmFunction,
                 setThreads: CBLASSetThreadsFunction?, getThreads: CBLASGetThreadsFunction?) {
        self.path = path
        self.sgemm = sgemm
        self.setThreads = setThreads
        self.getThreads = getThreads
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
                setThreads: set, getThreads: get)
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

import Foundation

/// The number of worker threads the compute kernels may use.
///
/// Defaults to `LOGITS_THREADS` when it is set to a positive integer, else to the number of active
/// processors. Setting `threadCount` in code overrides both; the value is applied to the Swift GEMM
/// kernel (its `DispatchQueue.concurrentPerform` fan-out) and to OpenBLAS
/// (`openblas_set_num_threads`, before its next call). Reads and writes are thread-safe.
public enum Threading {
    private static let state = TensorLockedValue<Int>(defaultThreadCount())

    /// Worker threads for GEMM and other parallel kernels; always `>= 1`.
    /// Values below 1 are stored as 1.
    public static var threadCount: Int {
        get { state.value }
        set { state.value = max(1, newValue) }
    }

    /// Processors the operating system reports as active.
    public static var activeProcessorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The default before any code sets `threadCount`: `LOGITS_THREADS` if it parses as a positive
    /// integer, else `activeProcessorCount`.
    public static func defaultThreadCount(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["LOGITS_THREADS"], let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 {
            return n
        }
        return activeProcessorCount
    }

    /// Whether `LOGITS_THREADS` holds something that is not a positive integer (reported by `logits info`).
    public static func environmentProblem(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let text = environment["LOGITS_THREADS"] else { return nil }
        if let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 { return nil }
        return "LOGITS_THREADS=\(text) is not a positive integer; using \(activeProcessorCount) (active processors)"
    }
}

/// A value guarded by a lock: the small piece of shared mutable state the kernels need
/// (thread count, scratch pools), safe under Swift 6 strict concurrency on every platform
/// this package supports (`Synchronization.Mutex` would need macOS 15).
final class TensorLockedValue<Value>: @unchecked Sendable {  // unchecked: every access goes through `lock`
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }

    /// Runs `body` with exclusive access to the value.
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&stored)
    }
}

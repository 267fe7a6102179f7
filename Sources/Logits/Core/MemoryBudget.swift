import Foundation

/// The process-wide memory budget: the most bytes one large allocation (a data set's matrices,
/// a model's parameters, a decompressed file) may take. Loaders and model builders call
/// `check(bytes:what:)` before they allocate, so an absurd size in a file or a flag fails at once
/// with a clear error instead of exhausting memory.
///
/// The limit, in order of precedence:
/// 1. `withLimit(bytes:_:)` for the current task (tests, fuzzing);
/// 2. `setLimit(bytes:)` (the CLI's `--max-memory`);
/// 3. the `LOGITS_MAX_MEMORY` environment variable (`2G`, `512M`, `1.5GiB`, `100000` bytes);
/// 4. half the physical memory (or of the cgroup limit, when one is lower).
///
/// Thread-safe: the explicit limit is guarded by a lock; the task-local limit is per task.
public enum MemoryBudget {
    /// Budget for the current task, overriding every other setting (see `withLimit`).
    @TaskLocal static var taskLimit: Int?

    private final class State: @unchecked Sendable {  // guarded by `lock`
        let lock = NSLock()
        var explicit: Int?
    }

    private static let state = State()

    /// The default budget: half the physical memory (or of a lower cgroup limit).
    public static let defaultLimit: Int = {
        var physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let cgroup = cgroupLimit(), cgroup < physical { physical = cgroup }
        return max(physical / 2, 1 << 26)
    }()

    /// `LOGITS_MAX_MEMORY` parsed: `.success(nil)` when unset, `.failure(message)` when invalid.
    static let environment: Result<Int?, MemoryBudgetError> = {
        guard let text = ProcessInfo.processInfo.environment["LOGITS_MAX_MEMORY"] else { return .success(nil) }
        guard let bytes = parse(text) else {
            return .failure(MemoryBudgetError(what: "LOGITS_MAX_MEMORY", neededBytes: 0, limitBytes: 0,
                                              invalidSetting: text))
        }
        return .success(bytes)
    }()

    /// The budget in force for the caller, in bytes.
    public static var limit: Int {
        if let local = taskLimit { return local }
        state.lock.lock()
        let explicit = state.explicit
        state.lock.unlock()
        if let explicit { return explicit }
        if case .success(let env?) = environment { return env }
        return defaultLimit
    }

    /// Sets the process-wide budget (`nil` restores the environment / default one).
    /// - Throws: `LogitsError.invalidValue` for a limit below 1.
    public static func setLimit(bytes: Int?) throws {
        if let bytes, bytes < 1 { throw LogitsError.invalidValue("memory budget must be at least 1 byte, got \(bytes)") }
        state.lock.lock()
        state.explicit = bytes
        state.lock.unlock()
    }

    /// Runs `body` with `bytes` as the budget of the current task (and its child tasks).
    public static func withLimit<R>(bytes: Int, _ body: () throws -> R) rethrows -> R {
        try $taskLimit.withValue(bytes, operation: body)
    }

    /// Checks that `bytes` fit the budget.
    /// - Parameters:
    ///   - bytes: the size about to be allocated, or `nil` when computing it overflowed `Int`.
    ///   - what: what needs the memory, naming the file or setting, e.g. `"'a.svm': 2 rows x 700000001 features"`.
    /// - Throws: `MemoryBudgetError` when it does not fit, or when `LOGITS_MAX_MEMORY` is invalid
    ///   (and no explicit limit overrides it).
    public static func check(bytes: Int?, what: String) throws {
        if taskLimit == nil, case .failure(let e) = environment {
            state.lock.lock()
            let explicit = state.explicit
            state.lock.unlock()
            if explicit == nil { throw e }
        }
        let budget = limit
        guard let bytes, bytes <= budget else {
            throw MemoryBudgetError(what: what, neededBytes: bytes, limitBytes: budget)
        }
    }

    /// The product of `factors`, or `nil` on overflow (or a negative factor).
    public static func product(_ factors: Int...) -> Int? { product(factors) }

    /// The product of `factors`, or `nil` on overflow (or a negative factor).
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            result = p
        }
        return result
    }

    /// The sum of `terms`, or `nil` when one is `nil` or the sum overflows.
    public static func sum(_ terms: Int?...) -> Int? {
        var result = 0
        for t in terms {
            guard let t else { return nil }
            let (s, overflow) = result.addingReportingOverflow(t)
            if overflow { return nil }
            result = s
        }
        return result
    }

    /// Parses a size: a non-negative number with an optional unit `K`, `M`, `G`, `T` (powers of
    /// 1024; `KB`, `KiB` etc. accepted, case-insensitive), e.g. `512M`, `1.5G`, `4096`.
    /// Returns `nil` for anything else, for 0 and for sizes past `Int.max`.
    public static func parse(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            break
        }
        var scale: Double = 1
        if let last = s.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = pow(1024, Double(power))
            s.removeLast()
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(s), value.isFinite else { return nil }
        let bytes = (value * scale).rounded(.down)
        guard bytes >= 1, bytes < 9.2e18 else { return nil }
        return Int(bytes)
    }

    /// `bytes` for people: `41.0 GB`, `512.0 MB`, `900 bytes` (powers of 1024).
    public static func describe(_ bytes: Int) -> String {
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes)
        var unit = -1
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// The cgroup (v2 or v1) memory limit of this process, if any.
    private static func cgroupLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            if let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 { return value }
        }
        return nil
    }
}

/// An allocation that would exceed the memory budget (or an invalid budget setting).
public struct MemoryBudgetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What needed the memory, naming the file or setting.
    public var what: String
    /// Bytes needed; `nil` when the size overflowed `Int`.
    public var neededBytes: Int?
    /// The budget in force.
    public var limitBytes: Int
    /// The unparseable `LOGITS_MAX_MEMORY` value, for a bad setting.
    public var invalidSetting: String?

    public init(what: String, neededBytes: Int?, limitBytes: Int, invalidSetting: String? = nil) {
        self.what = what
        self.neededBytes = neededBytes
        self.limitBytes = limitBytes
        self.invalidSetting = invalidSetting
    }

    /// The message without the `what` part (for errors that name the file themselves).
    public var sizeMessage: String {
        let needed = neededBytes.map { "needs \(MemoryBudget.describe($0)) (\($0) bytes)" } ?? "needs more than 8 EB (the size overflows)"
        return "\(needed), over the memory budget of \(MemoryBudget.describe(limitBytes)); raise it with --max-memory or LOGITS_MAX_MEMORY if the size is intended"
    }

    public var description: String {
        if let invalidSetting {
            return "LOGITS_MAX_MEMORY=\(Printable.quoted(invalidSetting)) is not a size; expected bytes with an optional K, M, G or T suffix, e.g. 8G"
        }
        return "\(what) \(sizeMessage)"
    }
}

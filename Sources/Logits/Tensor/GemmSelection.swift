import Foundation

/// The GEMM backends this package knows, by the names `LOGITS_BACKEND` accepts.
public enum GemmBackendKind: String, CaseIterable, Sendable {
    /// Apple's Accelerate framework (Apple platforms only).
    case accelerate
    /// OpenBLAS, loaded at run time with `dlopen` (`$LOGITS_BLAS_LIBRARY`, `libopenblas.so.0`, `libopenblas.so`).
    case openblas
    /// The portable Swift kernel (`SwiftGemm`), always available.
    case swift
    /// The textbook triple loop (`NaiveGemm`), for reference and debugging.
    case naive
}

/// Which GEMM backend is in use and why (printed by `logits info`).
public struct GemmSelection: Sendable {
    /// The chosen backend.
    public let backend: any GemmBackend
    /// Why it was chosen, e.g. `"fastest measured: swift/avx2fma 88.1 GFLOP/s (openblas 41.0, ...)"`.
    public let reason: String
    /// Backends that could not be loaded, with the reason.
    public let skipped: [String]
    /// Every candidate timed at selection, fastest first (empty when `LOGITS_BACKEND` forced one).
    public var measurements: [GemmMeasurement] = []
    /// The CPU the choice was made on (`CPULevel.modelName`) and the level in effect.
    public var cpu: String = "\(CPULevel.modelName) (\(CPULevel.active.rawValue))"
}

extension Gemm {
    /// The environment variable that forces a backend.
    public static let backendVariable = "LOGITS_BACKEND"

    /// Loads one backend by name.
    /// - Throws: `LogitsError.invalidValue` for an unknown name; `LogitsError.unavailable` when the
    ///   backend cannot be used here (e.g. OpenBLAS not installed, Accelerate off Apple platforms).
    public static func backend(named name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any GemmBackend {
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let kind = GemmBackendKind(rawValue: trimmed) else {
            let known = GemmBackendKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw LogitsError.invalidValue("unknown GEMM backend '\(name)', expected one of: \(known)")
        }
        return try backend(kind, environment: environment)
    }

    /// Loads one backend.
    /// - Throws: `LogitsError.unavailable` when it cannot be used here.
    public static func backend(_ kind: GemmBackendKind, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any GemmBackend {
        switch kind {
        case .accelerate: return try CBLASGemm.accelerate()
        case .openblas: return try CBLASGemm.openBLAS(environment: environment)
        case .swift: return SwiftGemm(kernel: swiftKernel(environment: environment))
        case .naive: return NaiveGemm()
        }
    }

    /// The Swift kernel for `environment`: `LOGITS_SWIFT_KERNEL` when it names a supported one, else
    /// the widest allowed by `LOGITS_CPU` (see `CPULevel.resolve`).
    static func swiftKernel(environment: [String: String]) -> SwiftGemm.Kernel {
        if let name = environment["LOGITS_SWIFT_KERNEL"]?.lowercased(), let forced = SwiftGemm.Kernel(rawValue: name),
           SwiftGemm.supportedKernels.contains(forced) {
            return forced
        }
        let level = CPULevel.resolve(environment: environment).level
        return SwiftGemm.Kernel.allCases.last { $0.level <= level } ?? .portable
    }

    /// Every backend that loads here (the Swift and naive ones always do).
    public static func availableBackends(environment: [String: String] = ProcessInfo.processInfo.environment) -> [any GemmBackend] {
        GemmBackendKind.allCases.compactMap { try? backend($0, environment: environment) }
    }

    /// Relative speed difference below which two measured backends count as equal.
    public static let tieMargin = 0.10

    /// Chooses the backend for `environment`:
    /// - `LOGITS_BACKEND` set (non-empty): exactly that backend, or the error saying why it cannot be used;
    /// - otherwise by measurement: every candidate that loads (Accelerate on Apple, OpenBLAS, and the
    ///   Swift driver with each micro-kernel `LOGITS_CPU` allows) is timed on a few MLP-shaped
    ///   products (`GemmProbe`, 10-50 milliseconds in all, `Threading.threadCount` threads) and the
    ///   fastest is chosen. Nothing is cached: the choice is made again in each process, on the CPU
    ///   and library it runs with.
    ///
    /// Candidates within `tieMargin` (10 %) of the fastest count as equal, and the earliest of them in
    /// the order above wins, so that timing noise does not flip the choice from process to process.
    public static func select(environment: [String: String]) -> Result<GemmSelection, LogitsError> {
        if let forced = environment[backendVariable]?.trimmingCharacters(in: .whitespaces), !forced.isEmpty {
            do {
                let chosen = try backend(named: forced, environment: environment)
                return .success(GemmSelection(backend: chosen, reason: "forced by \(backendVariable)=\(forced)\(detail(chosen))", skipped: []))
            } catch LogitsError.invalidValue(let message) {
                return .failure(LogitsError.invalidValue("\(backendVariable)=\(forced): \(message)"))
            } catch let error as LogitsError {
                return .failure(LogitsError.unavailable("\(backendVariable)=\(forced): \(describe(error))"))
            } catch {
                return .failure(LogitsError.unavailable("\(backendVariable)=\(forced): \(error)"))
            }
        }
        var skipped: [String] = []
        var candidates: [(label: String, backend: any GemmBackend)] = []
        let level = CPULevel.resolve(environment: environment).level
        for kernel in SwiftGemm.Kernel.allCases.reversed() where kernel.level <= level {
            candidates.append(("swift/\(kernel.rawValue)", SwiftGemm(kernel: kernel)))
        }
        // The package's kernels are timed before any library is even loaded: OpenBLAS starts its
        // threads when it loads and they keep spinning for a while (also after each call). Timed
        // while they spun, the Swift driver's worker shared a core with them and the driver ran at
        // one thread's speed in about half the processes on a 2-vCPU Zen 3 (80 vs 150 GFLOP/s).
        var measuredAll = GemmProbe.measure(candidates)  // candidate order: the preference on ties
        var libraries: [(label: String, backend: any GemmBackend)] = []
        for kind in [GemmBackendKind.accelerate, .openblas] {
            #if !canImport(Darwin)
            if kind == .accelerate { continue }
            #endif
            do {
                let loaded = try backend(kind, environment: environment)
                libraries.append((kind.rawValue, loaded))
            } catch {
                skipped.append("\(error)")
            }
        }
        measuredAll += GemmProbe.measure(libraries)
        let measured = measuredAll.sorted { $0.gflops > $1.gflops }
        guard let fastest = measured.first else {
            return .success(GemmSelection(backend: SwiftGemm(kernel: .portable), reason: "portable Swift kernel (nothing to measure)", skipped: skipped))
        }
        // Within `tieMargin` of the fastest, the earlier candidate wins (the package's widest
        // kernel before a library): the choice then does not flip between processes on timing
        // noise, so two runs on one machine compute with the same backend.
        let order = Dictionary(measuredAll.enumerated().map { ($1.label, $0) }, uniquingKeysWith: { a, _ in a })
        let best = measured.filter { $0.gflops >= fastest.gflops * (1 - tieMargin) }
            .min { (order[$0.label] ?? .max) < (order[$1.label] ?? .max) } ?? fastest
        let others = measured.filter { $0.label != best.label }.map { "\($0.label) \(format($0.gflops))" }.joined(separator: ", ")
        var reason = (best.label == fastest.label ? "fastest measured: " : "within \(Int(tieMargin * 100)) % of the fastest, preferred: ")
            + "\(best.label) \(format(best.gflops)) GFLOP/s"
        if !others.isEmpty { reason += " (\(others))" }
        reason += " at \(Threading.threadCount) thread\(Threading.threadCount == 1 ? "" : "s")\(detail(best.backend))"
        for other in measured where other.label != best.label {
            if let cblas = other.backend as? CBLASGemm { reason += "; \(cblas.name): \(cblas.summary)" }
        }
        var selection = GemmSelection(backend: best.backend, reason: reason, skipped: skipped)
        selection.measurements = measured
        selection.cpu = "\(CPULevel.modelName) (\(level.rawValue))"
        return .success(selection)
    }

    private static func format(_ gflops: Double) -> String { String(format: "%.1f", gflops) }

    /// The selection made once, at first use, from the process environment.
    /// A failure means `LOGITS_BACKEND` named a backend that cannot be used; `shared` then
    /// falls back to the best available one and the CLI reports the error.
    public static let selection: Result<GemmSelection, LogitsError> = select(environment: ProcessInfo.processInfo.environment)

    /// What `shared` actually uses: `selection`, or on failure the best available backend with the error in `reason`.
    public static let effectiveSelection: GemmSelection = {
        switch selection {
        case .success(let s): return s
        case .failure(let error):
            var env = ProcessInfo.processInfo.environment
            env[backendVariable] = nil
            let fallback = (try? select(environment: env).get())
                ?? GemmSelection(backend: SwiftGemm(), reason: "fallback", skipped: [])
            var chosen = GemmSelection(backend: fallback.backend,
                                       reason: "fallback (\(describe(error))); \(fallback.reason)",
                                       skipped: fallback.skipped)
            chosen.measurements = fallback.measurements
            return chosen
        }
    }()

    private static func detail(_ backend: any GemmBackend) -> String {
        if let cblas = backend as? CBLASGemm { return "; \(cblas.name): \(cblas.summary)" }
        if let swift = backend as? SwiftGemm { return "; swift kernel \(swift.kernel.rawValue)" }
        return ""
    }

    private static func describe(_ error: LogitsError) -> String {
        switch error {
        case .shapeMismatch(let m), .invalidValue(let m), .unavailable(let m), .nonFinite(let m): return m
        }
    }
}

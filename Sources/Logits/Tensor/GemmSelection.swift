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
    /// Why it was chosen, e.g. `"best available: openblas (/usr/lib/x86_64-linux-gnu/libopenblas.so.0)"`.
    public let reason: String
    /// Backends that were tried first and could not be loaded, with the reason.
    public let skipped: [String]
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
        case .swift: return SwiftGemm()
        case .naive: return NaiveGemm()
        }
    }

    /// Every backend that loads here, best first (the Swift and naive ones always do).
    public static func availableBackends(environment: [String: String] = ProcessInfo.processInfo.environment) -> [any GemmBackend] {
        GemmBackendKind.allCases.compactMap { try? backend($0, environment: environment) }
    }

    /// Chooses the backend for `environment`:
    /// - `LOGITS_BACKEND` set (non-empty): exactly that backend, or the error saying why it cannot be used;
    /// - otherwise the best that loads: Accelerate (Apple), then OpenBLAS, then the Swift kernel.
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
        for kind in [GemmBackendKind.accelerate, .openblas] {
            #if !canImport(Darwin)
            if kind == .accelerate { continue }
            #endif
            do {
                let chosen = try backend(kind, environment: environment)
                return .success(GemmSelection(backend: chosen, reason: "best available\(detail(chosen))", skipped: skipped))
            } catch {
                skipped.append("\(error)")
            }
        }
        return .success(GemmSelection(backend: SwiftGemm(), reason: "best available (portable Swift kernel)", skipped: skipped))
    }

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
            return GemmSelection(backend: fallback.backend,
                                 reason: "fallback (\(describe(error)))",
                                 skipped: fallback.skipped)
        }
    }()

    private static func detail(_ backend: any GemmBackend) -> String {
        if let cblas = backend as? CBLASGemm { return ": \(cblas.name) (\(cblas.libraryPath))" }
        return ""
    }

    private static func describe(_ error: LogitsError) -> String {
        switch error {
        case .shapeMismatch(let m), .invalidValue(let m), .unavailable(let m), .nonFinite(let m): return m
        }
    }
}

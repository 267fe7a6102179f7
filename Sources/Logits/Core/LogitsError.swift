/// Errors thrown by the library for bad input: a wrong shape, an out-of-range label, an invalid
/// option. User data never reaches a trap; it reaches one of these, with a message that says
/// what was found and what was expected.
///
/// Loaders and the model file format have richer errors of their own (naming file and line);
/// this type covers in-memory API misuse.
public enum LogitsError: Error, Equatable, CustomStringConvertible {
    /// Two operands whose shapes do not fit together.
    case shapeMismatch(String)
    /// A value outside its allowed range (a class index, a target, a hyper-parameter).
    case invalidValue(String)
    /// A requested feature that is not available here (e.g. a GEMM backend).
    case unavailable(String)
    /// Training diverged: the loss or a gradient became NaN or infinite.
    case nonFinite(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidValue(let m): return "invalid value: \(m)"
        case .unavailable(let m): return "unavailable: \(m)"
        case .nonFinite(let m): return "non-finite value: \(m)"
        }
    }
}

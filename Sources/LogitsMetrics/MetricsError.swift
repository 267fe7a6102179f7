/// Errors thrown by LogitsMetrics for bad input (never a trap): shapes that do not agree, values that
/// are not allowed (NaN scores, labels out of range, truth entries other than 0/1), empty inputs.
public enum MetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Two inputs whose shapes must agree do not (message says what was found and what was expected).
    case shapeMismatch(String)
    /// A value outside its domain (message names the row/column and the value).
    case invalidValue(String)
    /// An input with no samples (or no columns) where at least one is needed.
    case empty(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidValue(let m): return "invalid value: \(m)"
        case .empty(let m): return "empty input: \(m)"
        }
    }
}

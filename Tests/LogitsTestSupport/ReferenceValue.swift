import Foundation

/// A JSON value of the golden reference files, decoded with `JSONDecoder` (numbers exactly as
/// `Double(text)`; Foundation's `JSONSerialization` can be 1–2 ulp off on Linux, which would break
/// the references' float ties). The strings "inf", "-inf" and "nan" decode as the non-finite numbers
/// they stand for.
public indirect enum ReferenceValue: Decodable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([ReferenceValue])
    case object([String: ReferenceValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) {
            switch s {
            case "inf": self = .number(.infinity)
            case "-inf": self = .number(-.infinity)
            case "nan": self = .number(.nan)
            default: self = .string(s)
            }
            return
        }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let a = try? c.decode([ReferenceValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: ReferenceValue].self))
    }

    /// Parses JSON text.
    public static func parse(_ data: Data) throws -> ReferenceValue {
        try JSONDecoder().decode(ReferenceValue.self, from: data)
    }

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> ReferenceValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var double: Double? { if case .number(let d) = self { return d }; return nil }
    /// A whole number below 1e15 in magnitude as `Int`; nil otherwise.
    public var int: Int? { double.flatMap { $0 == $0.rounded() && Swift.abs($0) < 1e15 ? Int($0) : nil } }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var array: [ReferenceValue]? { if case .array(let a) = self { return a }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// The numbers of an array (non-numbers dropped; empty for a non-array).
    public var doubles: [Double] { (array ?? []).compactMap(\.double) }
    /// The whole numbers of an array (others dropped; empty for a non-array).
    public var ints: [Int] { (array ?? []).compactMap(\.int) }
    /// A nested list of numbers, row by row.
    public var matrix: [[Double]] { (array ?? []).map(\.doubles) }
    /// A nested list of whole numbers, row by row.
    public var intMatrix: [[Int]] { (array ?? []).map(\.ints) }
    /// An object's keys, sorted (empty for a non-object).
    public var keys: [String] { if case .object(let o) = self { return o.keys.sorted() }; return [] }
}

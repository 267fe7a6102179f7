/// A JSON-like value for reports: metric names map to numbers, integers, booleans, arrays, nested objects or
/// `null` (undefined). Non-finite numbers are written as the strings `"inf"`, `"-inf"`, `"nan"`, the
/// convention of the reference files.
public indirect enum MetricValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case null
    case array([MetricValue])
    case object([MetricEntry])

    /// `.number(x)` or `.null` for `nil`.
    public static func optional(_ x: Double?) -> MetricValue { x.map { .number($0) } ?? .null }
    public static func numbers(_ xs: [Double]) -> MetricValue { .array(xs.map { .number($0) }) }
    public static func integers(_ xs: [Int]) -> MetricValue { .array(xs.map { .integer($0) }) }
    public static func matrix(_ m: [[Int]]) -> MetricValue { .array(m.map { .integers($0) }) }

    /// Compact JSON text (keys in insertion order).
    public var json: String {
        var out = ""
        write(into: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text, one key per line at the top levels.
    public var prettyJSON: String {
        var out = ""
        write(into: &out, indent: "  ", level: 0)
        return out
    }

    /// The value under `key` of an object (nil otherwise).
    public subscript(key: String) -> MetricValue? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    static func format(_ x: Double) -> String {
        if x.isNaN { return "\"nan\"" }
        if x == .infinity { return "\"inf\"" }
        if x == -.infinity { return "\"-inf\"" }
        return "\(x)"
    }

    static func escape(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    func write(into out: inout String, indent: String?, level: Int) {
        switch self {
        case .number(let x): out += Self.format(x)
        case .integer(let i): out += String(i)
        case .string(let s): out += Self.escape(s)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let xs):
            out += "["
            for (q, x) in xs.enumerated() {
                if q > 0 { out += indent == nil ? "," : ", " }
                x.write(into: &out, indent: nil, level: level + 1)
            }
            out += "]"
        case .object(let entries):
            out += "{"
            let pretty = indent != nil && level < 2
            for (q, e) in entries.enumerated() {
                if q > 0 { out += "," }
                if pretty, let indent { out += "\n" + String(repeating: indent, count: level + 1) } else if q > 0 && indent != nil { out += " " }
                out += Self.escape(e.key) + (indent == nil ? ":" : ": ")
                e.value.write(into: &out, indent: indent, level: level + 1)
            }
            if pretty, let indent, !entries.isEmpty { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }
}

/// One key of a `MetricValue.object`.
public struct MetricEntry: Sendable, Equatable {
    public var key: String
    public var value: MetricValue
    public init(_ key: String, _ value: MetricValue) {
        self.key = key
        self.value = value
    }
}

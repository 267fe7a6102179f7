import Foundation
import LogitsMetrics

/// A JSON value of the reference files, numbers decoded exactly as Double; "inf"/"-inf"/"nan" strings
/// are read as the non-finite numbers they stand for.
indirect enum RefValue {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([RefValue])
    case object([String: RefValue])

    /// Parses JSON text. Numbers go through `Double(String)` (correctly rounded, unlike
    /// JSONSerialization on Linux, which can be an ulp off and would break the reference's float ties).
    static func parse(_ data: Data) throws -> RefValue {
        var parser = MiniJSONParser(bytes: [UInt8](data))
        return try parser.value()
    }

    subscript(key: String) -> RefValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var double: Double? { if case .number(let d) = self { return d }; return nil }
    var int: Int? { double.map { Int($0) } }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [RefValue] { if case .array(let a) = self { return a }; return [] }
    var doubles: [Double] { array.compactMap(\.double) }
    var ints: [Int] { array.compactMap(\.int) }
    var matrix: [[Double]] { array.map(\.doubles) }
    var intMatrix: [[Int]] { array.map(\.ints) }
    var keys: [String] { if case .object(let o) = self { return o.keys.sorted() }; return [] }
}

struct ReferenceFile {
    struct Case {
        var name: String
        var inputs: RefValue
        var params: RefValue
        var expected: RefValue
    }
    var cases: [Case]
}

enum Reference {
    /// `<package root>/../shared/reference/metrics.json`, found from this file's path.
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("shared/reference/metrics.json")
    }
    static var available: Bool { FileManager.default.fileExists(atPath: url.path) }

    static func load() throws -> ReferenceFile {
        let root = try RefValue.parse(Data(contentsOf: url))
        return ReferenceFile(cases: (root["cases"]?.array ?? []).map {
            ReferenceFile.Case(name: $0["name"]?.string ?? "?", inputs: $0["inputs"] ?? .null,
                               params: $0["params"] ?? .null, expected: $0["expected"] ?? .null)
        })
    }

    /// Compares a report value with a reference value; returns a description of each mismatch.
    static func compare(_ got: MetricValue?, _ want: RefValue, path: String) -> [String] {
        guard let got else { return ["\(path): missing"] }
        switch (got, want) {
        case (.null, .null): return []
        case (.number(let g), .number(let w)): return close(g, w) ? [] : ["\(path): got \(g), want \(w)"]
        case (.integer(let g), .number(let w)): return Double(g) == w ? [] : ["\(path): got \(g), want \(w)"]
        case (.array(let g), .array(let w)):
            guard g.count == w.count else { return ["\(path): \(g.count) entries, want \(w.count)"] }
            return zip(g, w).enumerated().flatMap { compare($1.0, $1.1, path: "\(path)[\($0)]") }
        default: return ["\(path): got \(got), want \(want)"]
        }
    }

    /// `|got - want| <= 1e-9 max(1, |want|)`; NaN and ±inf must match exactly.
    static func close(_ g: Double, _ w: Double, tolerance: Double = 1e-9) -> Bool {
        if w.isNaN { return g.isNaN }
        if w.isInfinite { return g == w }
        return g.isFinite && abs(g - w) <= tolerance * max(1, abs(w))
    }

    static func compare(_ got: [Double], _ want: RefValue, path: String) -> [String] {
        compare(.numbers(got), want, path: path)
    }
}

/// A minimal strict JSON parser for the reference files (objects, arrays, strings without unicode
/// escapes beyond \uXXXX, numbers, true/false/null).
struct MiniJSONParser {
    struct Failure: Error, CustomStringConvertible { var description: String }
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
    }

    mutating func value() throws -> RefValue {
        skipSpace()
        guard pos < bytes.count else { throw Failure(description: "unexpected end at \(pos)") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var o: [String: RefValue] = [:]
            skipSpace()
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
            while true {
                skipSpace()
                guard case .string(let key) = try stringValue() else { throw Failure(description: "key at \(pos)") }
                skipSpace()
                guard bytes[pos] == UInt8(ascii: ":") else { throw Failure(description: "':' expected at \(pos)") }
                pos += 1
                o[key] = try value()
                skipSpace()
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                guard bytes[pos] == UInt8(ascii: "}") else { throw Failure(description: "'}' expected at \(pos)") }
                pos += 1
                return .object(o)
            }
        case UInt8(ascii: "["):
            pos += 1
            var a: [RefValue] = []
            skipSpace()
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
            while true {
                a.append(try value())
                skipSpace()
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                guard bytes[pos] == UInt8(ascii: "]") else { throw Failure(description: "']' expected at \(pos)") }
                pos += 1
                return .array(a)
            }
        case UInt8(ascii: "\""):
            let s = try stringValue()
            if case .string(let t) = s {
                switch t {
                case "inf": return .number(.infinity)
                case "-inf": return .number(-.infinity)
                case "nan": return .number(.nan)
                default: return s
                }
            }
            return s
        case UInt8(ascii: "t"): pos += 4; return .bool(true)
        case UInt8(ascii: "f"): pos += 5; return .bool(false)
        case UInt8(ascii: "n"): pos += 4; return .null
        default:
            let start = pos
            while pos < bytes.count, let c = Optional(bytes[pos]),
                  (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                  || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { pos += 1 }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            guard let d = Double(text) else { throw Failure(description: "bad number '\(text)' at \(start)") }
            return .number(d)
        }
    }

    mutating func stringValue() throws -> RefValue {
        guard bytes[pos] == UInt8(ascii: "\"") else { throw Failure(description: "string expected at \(pos)") }
        pos += 1
        var out = [UInt8]()
        while bytes[pos] != UInt8(ascii: "\"") {
            if bytes[pos] == UInt8(ascii: "\\") {
                pos += 1
                let e = bytes[pos]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let hex = String(decoding: bytes[(pos + 1)...(pos + 4)], as: UTF8.self)
                    let scalar = Unicode.Scalar(UInt32(hex, radix: 16) ?? 63) ?? "?"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    pos += 4
                default: out.append(e)
                }
            } else {
                out.append(bytes[pos])
            }
            pos += 1
        }
        pos += 1
        return .string(String(decoding: out, as: UTF8.self))
    }
}

import Foundation
import LogitsMetrics

/// A JSON value of the reference files, decoded with `JSONDecoder` (numbers exactly as
/// `Double(text)`; Foundation's `JSONSerialization` can be an ulp off on Linux, which would break the
/// reference's float ties). The strings "inf"/"-inf"/"nan" are read as the non-finite numbers they stand for.
indirect enum RefValue: Decodable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([RefValue])
    case object([String: RefValue])

    init(from decoder: any Decoder) throws {
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
        if let a = try? c.decode([RefValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: RefValue].self))
    }

    /// Parses JSON text.
    static func parse(_ data: Data) throws -> RefValue {
        try JSONDecoder().decode(RefValue.self, from: data)
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
    /// `Tests/Fixtures/reference/metrics.json` of this package (committed, copied from the
    /// project's shared reference set; see PROVENANCE.md there), found from this file's path.
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/reference/metrics.json")
    }

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "metrics reference \(path) not found (it is committed in Tests/Fixtures; a clean clone must have it)" }
    }

    /// The reference cases; a missing file throws (the suites fail, they never skip).
    static func load() throws -> ReferenceFile {
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
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

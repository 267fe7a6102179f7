import Foundation
import LogitsMetrics
import LogitsTestSupport

struct ReferenceFile {
    struct Case {
        var name: String
        var inputs: ReferenceValue
        var params: ReferenceValue
        var expected: ReferenceValue
    }
    var cases: [Case]
}

enum Reference {
    /// `metrics.json` of `ReferenceFixtures.directory` (committed in `Tests/Fixtures/reference`).
    static var url: URL { ReferenceFixtures.directory.appendingPathComponent("metrics.json") }

    /// The reference cases; a missing file throws (the suites fail, they never skip).
    static func load() throws -> ReferenceFile {
        let root = try ReferenceFixtures.load(url)
        return ReferenceFile(cases: (root["cases"]?.array ?? []).map {
            ReferenceFile.Case(name: $0["name"]?.string ?? "?", inputs: $0["inputs"] ?? .null,
                               params: $0["params"] ?? .null, expected: $0["expected"] ?? .null)
        })
    }

    /// Compares a report value with a reference value; returns a description of each mismatch.
    static func compare(_ got: MetricValue?, _ want: ReferenceValue, path: String) -> [String] {
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

    static func compare(_ got: [Double], _ want: ReferenceValue, path: String) -> [String] {
        compare(.numbers(got), want, path: path)
    }
}

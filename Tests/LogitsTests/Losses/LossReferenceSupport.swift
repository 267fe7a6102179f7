import Foundation
import Testing
@testable import Logits

/// A JSON value decoded with `JSONDecoder` (numbers exactly as `Double(text)`; Foundation's
/// `JSONSerialization` can be 1–2 ulp off on Linux). The strings "inf", "-inf" and "nan" decode
/// as the non-finite numbers they stand for.
indirect enum JSONValue: Decodable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

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
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: JSONValue].self))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var double: Double? { if case .number(let d) = self { return d }; return nil }
    var int: Int? { double.flatMap { $0 == $0.rounded() && Swift.abs($0) < 1e15 ? Int($0) : nil } }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var isNull: Bool { if case .null = self { return true }; return false }
}

/// Locates and decodes the PyTorch golden values, committed in `Tests/Fixtures/reference/*.json`
/// (copied from the project's shared reference set; see PROVENANCE.md there). A missing file
/// throws, so the suites that read it fail; they never skip.
enum LossGoldenReference {
    /// `Tests/Fixtures` of this package, found from this file's path.
    static let fixtures: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // LossReferenceSupport.swift, Losses, LogitsTests
        return url.appendingPathComponent("Fixtures")
    }()

    /// `Tests/Fixtures/reference`, or the directory in `LOGITS_REFERENCE_DIR` (to run the same
    /// checks on another reference set with the same schema).
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["LOGITS_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return fixtures.appendingPathComponent("reference")
    }()

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "golden reference file \(path) not found (it is committed in Tests/Fixtures; a clean clone must have it)" }
    }

    /// The decoded root object of `url`.
    static func load(_ url: URL) throws -> JSONValue {
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// The `cases` array of a reference file of `directory`.
    static func cases(_ file: String) throws -> [JSONValue] {
        try #require(try load(directory.appendingPathComponent(file))["cases"]?.array, "\(file) has no cases array")
    }

    /// A JSON number, or one of the strings "inf", "-inf", "nan".
    static func number(_ v: JSONValue?) -> Double? { v?.double }

    /// A flat list or a nested (row-major) list of numbers, flattened; a scalar as one value.
    static func flat(_ v: JSONValue?) -> [Double]? {
        guard let v else { return nil }
        guard let a = v.array else { return v.double.map { [$0] } }
        var out: [Double] = []
        for e in a {
            if let inner = e.array {
                for x in inner {
                    guard let d = x.double else { return nil }
                    out.append(d)
                }
            } else {
                guard let d = e.double else { return nil }
                out.append(d)
            }
        }
        return out
    }

    /// A `[B][C]` nested list as a `Matrix` (inputs are float32-exact).
    static func matrix(_ v: JSONValue?) throws -> Matrix {
        let rows = try #require(v?.array, "expected a nested list")
        return try Matrix(rows.map { r in (r.array ?? []).map { Float($0.double ?? .nan) } })
    }
}

/// Collects mismatches against the suggested tolerance `|got - want| <= 1e-6 + 1e-5 |want|`,
/// with `inf` matched exactly and a NaN or inf where the reference is finite counted as a failure.
struct LossToleranceReport {
    var failures: [String] = []
    var checked = 0
    var abs: Double = 1e-6
    var rel: Double = 1e-5

    static func close(_ got: Double, _ want: Double, abs: Double = 1e-6, rel: Double = 1e-5) -> Bool {
        if want.isNaN { return got.isNaN }
        if want.isInfinite { return got == want }
        guard got.isFinite else { return false }
        return Swift.abs(got - want) <= abs + rel * Swift.abs(want)
    }

    mutating func compare(_ got: [Float], _ want: [Double]?, _ what: String) {
        guard let want else { failures.append("\(what): no reference"); return }
        guard got.count == want.count else {
            failures.append("\(what): \(got.count) values, reference has \(want.count)")
            return
        }
        for (k, (g, w)) in zip(got, want).enumerated() {
            checked += 1
            if !Self.close(Double(g), w, abs: abs, rel: rel) {
                failures.append("\(what)[\(k)]: got \(g), want \(w)")
            }
        }
    }

    mutating func compare(_ got: Double, _ want: Double?, _ what: String) {
        compare([Float(got)], want.map { [$0] }, what)
    }
}

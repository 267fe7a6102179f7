import Foundation
import Testing
@testable import Logits

/// Locates and decodes `../shared/reference/*.json` (PyTorch golden values) relative to this file.
enum LossGoldenReference {
    /// `<package root>/../shared/reference`, found from this file's path (or the directory in
    /// `LOGITS_REFERENCE_DIR`, to run the same checks on another reference set).
    static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["LOGITS_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Losses, LogitsTests, Tests, package root
        return url.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }()

    static func available(_ file: String) -> Bool {
        let ok = FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path)
        if !ok { print("note: \(directory.path)/\(file) not found; skipping the golden-reference tests") }
        return ok
    }

    /// The `cases` array of a reference file.
    static func cases(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]])
    }

    /// A JSON number, or one of the strings "inf", "-inf", "nan".
    static func number(_ v: Any?) -> Double? {
        if let n = v as? NSNumber { return n.doubleValue }
        switch v as? String {
        case "inf"?: return .infinity
        case "-inf"?: return -.infinity
        case "nan"?: return .nan
        default: return nil
        }
    }

    /// A flat list or a nested (row-major) list of numbers, flattened.
    static func flat(_ v: Any?) -> [Double]? {
        guard let a = v as? [Any] else { return number(v).map { [$0] } }
        var out: [Double] = []
        for e in a {
            if let inner = e as? [Any] {
                for x in inner {
                    guard let d = number(x) else { return nil }
                    out.append(d)
                }
            } else {
                guard let d = number(e) else { return nil }
                out.append(d)
            }
        }
        return out
    }

    /// A `[B][C]` nested list as a `Matrix` (inputs are float32-exact).
    static func matrix(_ v: Any?) throws -> Matrix {
        let rows = try #require(v as? [[Any]])
        return try Matrix(rows.map { r in r.map { Float(number($0) ?? .nan) } })
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

import Foundation
import LogitsTestSupport
import Testing
@testable import Logits

/// Reads the PyTorch golden values of `ReferenceFixtures` (committed in `Tests/Fixtures/reference/*.json`).
enum LossGoldenReference {
    /// The `cases` array of a reference file of `directory`.
    static func cases(_ file: String) throws -> [ReferenceValue] {
        try #require(ReferenceFixtures.load(file)["cases"]?.array, "\(file) has no cases array")
    }

    /// A JSON number, or one of the strings "inf", "-inf", "nan".
    static func number(_ v: ReferenceValue?) -> Double? { v?.double }

    /// A flat list or a nested (row-major) list of numbers, flattened; a scalar as one value.
    static func flat(_ v: ReferenceValue?) -> [Double]? {
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
    static func matrix(_ v: ReferenceValue?) throws -> Matrix {
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

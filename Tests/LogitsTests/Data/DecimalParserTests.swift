import Foundation
import Testing
@testable import Logits

@Suite struct DecimalParserTests {
    func parse(_ text: String) -> ParsedNumber { DecimalParser.parse(Substring(text)) }

    @Test func matchesFloatStringOnRandomDecimals() {
        var rng = SeededGenerator(seed: 99)
        var checked = 0
        for _ in 0..<20_000 {
            let intDigits = rng.int(below: 10)
            let fracDigits = rng.int(below: 12)
            var text = rng.int(below: 2) == 0 ? "-" : ""
            text += intDigits == 0 ? "0" : String((0..<intDigits).map { _ in Character(String(rng.int(below: 10))) })
            if fracDigits > 0 { text += "." + String((0..<fracDigits).map { _ in Character(String(rng.int(below: 10))) }) }
            if rng.int(below: 4) == 0 { text += "e" + String(rng.int(below: 80) - 40) }
            guard let expected = Float(text) else { continue }
            switch parse(text) {
            case .finite(let v):
                #expect(v.bitPattern == expected.bitPattern, "\(text): \(v) vs \(expected)")
            case .nonFinite(let v):
                #expect(!expected.isFinite && v == expected, "\(text)")
            case .invalid:
                Issue.record("\(text) rejected")
            }
            checked += 1
        }
        #expect(checked > 19_000)
    }

    @Test func edgeCases() {
        #expect(parse("0") == .finite(0))
        #expect(parse("-0.0") == .finite(-0.0))
        #expect(parse("1e-50") == .finite(Float("1e-50")!))
        #expect(parse("16777217") == .finite(Float("16777217")!))
        #expect(parse("0.000000000000000000000000000000000000000000001") == .finite(Float("1e-45")!))
        #expect(parse("123456789012345678901234567890") == .finite(Float("123456789012345678901234567890")!))
        #expect(parse("1e39") == .nonFinite(.infinity))
        #expect(parse("-Infinity") == .nonFinite(-.infinity))
        if case .nonFinite(let v) = parse("NaN") { #expect(v.isNaN) } else { Issue.record("NaN") }
        for bad in ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5", " 1", "abc", "--1", "1-", "nanx", ".nan", "inf5"] {
            #expect(parse(bad) == .invalid, "\(bad)")
        }
    }
}

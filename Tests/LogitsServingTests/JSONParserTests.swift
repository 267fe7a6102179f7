@testable import LogitsServing
import Testing

@Suite("Request JSON parser")
struct JSONParserTests {
    func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    @Test("values, escapes and key order")
    func values() throws {
        #expect(try parse(" {\"a\": [1, -2.5e1, true, null], \"b\": \"x\\\"\\u00e9\\ud83d\\ude00\"} ")
            == .object([("a", .array([.number(1), .number(-25), .bool(true), .null])), ("b", .string("x\"é😀"))]))
        #expect(try parse("0.10000000149011612") == .number(0.10000000149011612))
        #expect(try parse("[NaN, Infinity, -Infinity]") == .array([.number(.nan), .number(.infinity), .number(-.infinity)]))
    }

    @Test("malformed input is rejected with the byte offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "[1] x", "tru", "\"\\ud800\"", "{\"a\":1,}", "\u{01}",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
    }

    @Test("nesting is bounded")
    func depth() throws {
        #expect(throws: JSONSyntaxError.self) { try parse(String(repeating: "[", count: 100_000)) }
        #expect(try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != .null)
    }

    @Test("floats are written with full round-trip precision")
    func floats() {
        for x: Float in [0.1, 1 / 3, Float(bitPattern: 1), .greatestFiniteMagnitude, -0.0, 16_777_216, 0.1 + 0.2] {
            #expect(Float(JSONText.float(x)) == x)
        }
        #expect(JSONText.string("a\"b\n\u{1}") == "\"a\\\"b\\n\\u0001\"")
    }
}

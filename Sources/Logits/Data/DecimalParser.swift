import Foundation

/// The outcome of parsing one numeric token from raw bytes.
enum ParsedNumber: Equatable {
    /// A finite value.
    case finite(Float)
    /// `nan`, `inf`, `-inf`, `infinity`, or a decimal that overflows `Float`.
    case nonFinite(Float)
    /// Not a number at all.
    case invalid
}

/// Parses decimal numbers straight from byte buffers without creating a `String` per field.
///
/// Grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, plus the words
/// `nan`, `inf`, `infinity` (any case, optional sign). Results equal `Float(String)`: plain
/// decimals with at most 7 significant digits and a power of ten of at most 10 are computed
/// exactly (Clinger's fast path: both operands are exact `Float`s, so one IEEE division or
/// multiplication rounds correctly); everything else goes to the C library's correctly rounded
/// `strtof`.
enum DecimalParser {
    private static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// Parses `bytes[start..<end]` (no surrounding whitespace).
    static func parse(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> ParsedNumber {
        guard start < end else { return .invalid }
        var i = start
        var negative = false
        let first = bytes[i]
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            i += 1
        }
        guard i < end else { return .invalid }
        let afterSign = i
        var mantissa: UInt64 = 0
        var significant = 0          // significant digits accumulated into mantissa
        var decimalExponent = 0
        var digitCount = 0
        var overflowDigits = false
        // Integer part.
        while i < end, case let d = bytes[i] &- 48, d < 10 {
            digitCount += 1
            if mantissa == 0 && d == 0 {
                // leading zero: contributes nothing
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significant += 1
            } else {
                decimalExponent += 1
                overflowDigits = true
            }
            i += 1
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, case let d = bytes[i] &- 48, d < 10 {
                digitCount += 1
                if mantissa == 0 && d == 0 {
                    decimalExponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                    decimalExponent -= 1
                } else {
                    overflowDigits = true
                }
                i += 1
            }
        }
        if digitCount == 0 {
            return parseWord(bytes, afterSign, end, negative: negative)
        }
        if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var expDigits = 0
            while i < end, case let d = bytes[i] &- 48, d < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return .invalid }
            decimalExponent += expNegative ? -exponent : exponent
        }
        guard i == end else { return .invalid }
        if mantissa == 0 { return .finite(negative ? -0.0 : 0.0) }
        if !overflowDigits && mantissa <= 1 << 24 && decimalExponent >= -10 && decimalExponent <= 10 {
            var value = Float(mantissa)
            if decimalExponent < 0 {
                value /= powersOfTen[-decimalExponent]
            } else {
                value *= powersOfTen[decimalExponent]
            }
            return .finite(negative ? -value : value)
        }
        return slowPath(bytes, start, end)
    }

    /// `strtof` on a NUL-terminated copy of the (already validated) token.
    private static func slowPath(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> ParsedNumber {
        let length = end - start
        let value: Float = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            return strtof(buffer.baseAddress!, nil)  // trap-ok: a temporary allocation of capacity >= 1 has a base address
        }
        return value.isFinite ? .finite(value) : .nonFinite(value)
    }

    /// `nan`, `inf`, `infinity` in any case.
    private static func parseWord(_ bytes: UnsafeRawBufferPointer, _ i: Int, _ end: Int, negative: Bool) -> ParsedNumber {
        let length = end - i
        guard length == 3 || length == 8 else { return .invalid }
        var word: [UInt8] = []
        word.reserveCapacity(length)
        for k in i..<end { word.append(bytes[k] | 0x20) }
        switch String(decoding: word, as: UTF8.self) {
        case "nan": return .nonFinite(.nan)
        case "inf", "infinity": return .nonFinite(negative ? -.infinity : .infinity)
        default: return .invalid
        }
    }

    /// Parses a whole `String` (e.g. a CSV field) with the same rules.
    static func parse(_ text: Substring) -> ParsedNumber {
        var copy = String(text)
        return copy.withUTF8 { utf8 in parse(UnsafeRawBufferPointer(utf8), 0, utf8.count) }
    }
}

enum ByteText {
    /// A short quoted rendering of a token for error messages (at most 40 bytes).
    static func quote(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        let clipped = min(end, start + 40)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<clipped]), as: UTF8.self)
        return "\"" + Printable.escaped(text) + (clipped < end ? "...\"" : "\"")
    }
}

import Foundation

/// The one CSV tokenizer of the library (training CSV, feature tables, metrics files).
///
/// A byte scanner rather than the `CSV` package (yaslab/CSV.swift): that package works on
/// `String`s/`Unicode.Scalar`s (slow for numeric files of millions of cells), reports no line or
/// column for a bad quote, cannot detect the delimiter, and leaves encoding problems (UTF-16,
/// NUL bytes) and BOM handling to the caller. Here every field is a byte range into the file,
/// numbers are parsed straight from the bytes, and every error names file, line and field.
///
/// Dialect: RFC 4180 quoting (`"a ""b"", c"`, line breaks allowed inside quotes); LF or CRLF
/// line ends; spaces/tabs around fields ignored (tabs only when they are not the delimiter);
/// blank lines skipped; one UTF-8 byte-order mark skipped; UTF-16/UTF-32 (a byte-order mark, or
/// NUL bytes) rejected with a "convert to UTF-8" error.
struct CSVScanner {
    /// One field of the current record: `bytes[start..<end]`, inside the quotes for a quoted
    /// field (`escaped`: the content holds `""` pairs to unescape).
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        var escaped: Bool
    }

    let bytes: UnsafeRawBufferPointer
    let file: String
    let delimiter: UInt8
    private(set) var position: Int
    /// The line the next record starts on (1-based).
    private(set) var line = 1
    /// Fields of the record returned by the last `next()`.
    private(set) var fields: [Field] = []
    /// Line the record returned by the last `next()` starts on.
    private(set) var recordLine = 0

    init(_ bytes: UnsafeRawBufferPointer, file: String, delimiter: UInt8, from position: Int) {
        self.bytes = bytes
        self.file = file
        self.delimiter = delimiter
        self.position = position
    }

    @inline(__always) private func isPadding(_ b: UInt8) -> Bool {
        b == 0x20 || (b == 0x09 && delimiter != 0x09)
    }

    /// Reads the next non-blank record into `fields`; `false` at the end of the input.
    /// - Throws: `DataFileError` for an unclosed quote or text after a closing quote.
    mutating func next() throws -> Bool {
        let count = bytes.count
        while position < count {
            fields.removeAll(keepingCapacity: true)
            recordLine = line
            var atEnd = false
            while !atEnd {
                var i = position
                while i < count && isPadding(bytes[i]) { i += 1 }
                if i < count && bytes[i] == UInt8(ascii: "\"") {
                    let fieldLine = line
                    let start = i + 1
                    var j = start
                    var escaped = false
                    while true {
                        guard j < count else {
                            throw DataFileError(file: file, line: fieldLine, column: fields.count + 1,
                                                message: "quoted field is never closed; expected a closing '\"'")
                        }
                        let b = bytes[j]
                        if b == UInt8(ascii: "\"") {
                            if j + 1 < count && bytes[j + 1] == UInt8(ascii: "\"") {
                                escaped = true
                                j += 2
                                continue
                            }
                            break
                        }
                        if b == 0x0A { line += 1 }
                        j += 1
                    }
                    fields.append(Field(start: start, end: j, quoted: true, escaped: escaped))
                    i = j + 1
                    while i < count && (isPadding(bytes[i]) || bytes[i] == 0x0D) { i += 1 }
                    if i >= count {
                        atEnd = true
                        position = count
                    } else if bytes[i] == delimiter {
                        position = i + 1
                    } else if bytes[i] == 0x0A {
                        atEnd = true
                        line += 1
                        position = i + 1
                    } else {
                        throw DataFileError(file: file, line: line, column: fields.count,
                                            message: "unexpected \(ByteText.quote(bytes, i, min(i + 1, count))) after a closing quote; expected a delimiter or the end of the line")
                    }
                } else {
                    var j = i
                    while j < count && bytes[j] != delimiter && bytes[j] != 0x0A { j += 1 }
                    var end = j
                    while end > i && (isPadding(bytes[end - 1]) || bytes[end - 1] == 0x0D) { end -= 1 }
                    fields.append(Field(start: i, end: end, quoted: false, escaped: false))
                    if j < count && bytes[j] == delimiter {
                        position = j + 1
                    } else {
                        atEnd = true
                        if j < count { line += 1 }
                        position = j < count ? j + 1 : count
                    }
                }
            }
            if fields.count == 1 && !fields[0].quoted && fields[0].start == fields[0].end { continue }  // blank line
            return true
        }
        return false
    }

    /// The text of a field (quotes removed, `""` unescaped; invalid UTF-8 replaced).
    func string(_ f: Field) -> String {
        let raw = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end]), as: UTF8.self)
        return f.escaped ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    /// The field's text as a quoted, escaped snippet for messages.
    func quoted(_ f: Field) -> String { ByteText.quote(bytes, f.start, f.end) }

    /// Parses a field as a number (`Float`).
    func number(_ f: Field) -> ParsedNumber {
        f.escaped ? .invalid : DecimalParser.parse(bytes, f.start, f.end)
    }

    /// Parses a field as a number (`Double`, correctly rounded by `strtod`).
    func double(_ f: Field) -> ParsedDouble {
        f.escaped ? .invalid : DecimalParser.parseDouble(bytes, f.start, f.end)
    }

    // MARK: - Encoding and dialect

    /// Checks the encoding and returns the offset of the text (after a UTF-8 byte-order mark).
    /// - Throws: `DataFileError` for UTF-16/UTF-32 text (byte-order mark or NUL bytes).
    static func textStart(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Int {
        let b = Array(bytes.prefix(4))
        func fail(_ what: String) -> DataFileError {
            DataFileError(file: file, message: "\(what); convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
        }
        if b.starts(with: [0xFF, 0xFE, 0, 0]) { throw fail("the text is UTF-32 (little-endian byte-order mark)") }
        if b.starts(with: [0, 0, 0xFE, 0xFF]) { throw fail("the text is UTF-32 (big-endian byte-order mark)") }
        if b.starts(with: [0xFF, 0xFE]) { throw fail("the text is UTF-16 (little-endian byte-order mark)") }
        if b.starts(with: [0xFE, 0xFF]) { throw fail("the text is UTF-16 (big-endian byte-order mark)") }
        if let nul = bytes.prefix(4096).firstIndex(of: 0) {
            throw fail("NUL byte at offset \(nul): the text looks like UTF-16 or UTF-32, or is binary")
        }
        return ByteLines.byteOrderMarkLength(bytes)
    }

    /// The delimiter among comma, tab and semicolon: the one that splits the first (up to 5)
    /// non-blank lines, quotes respected, into the same number (> 1) of fields, preferring the most
    /// fields; else the most frequent on the first line; else comma (one column).
    static func detectDelimiter(_ bytes: UnsafeRawBufferPointer, from start: Int) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), 0x09, UInt8(ascii: ";")]
        var counts: [[Int]] = []
        var current = [0, 0, 0]
        var inQuotes = false
        var blank = true
        var i = start
        let limit = min(bytes.count, start + (1 << 20))
        while i < limit && counts.count < 5 {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes {
                if b == 0x0A {
                    if !blank { counts.append(current) }
                    current = [0, 0, 0]
                    blank = true
                } else {
                    if let k = candidates.firstIndex(of: b) { current[k] += 1 }
                    if !ByteLines.isSpace(b) { blank = false }
                }
            }
            i += 1
        }
        if !blank && counts.count < 5 { counts.append(current) }
        guard let first = counts.first else { return candidates[0] }
        var best: Int? = nil
        for k in 0..<3 where first[k] > 0 && counts.allSatisfy({ $0[k] == first[k] }) {
            if best.map({ first[k] > first[$0] }) ?? true { best = k }
        }
        if let best { return candidates[best] }
        let most = (0..<3).max { first[$0] < first[$1] } ?? 0
        return first[most] > 0 ? candidates[most] : candidates[0]
    }

    /// The delimiter byte for a user-given character.
    /// - Throws: `DataFileError` unless it is a single ASCII character other than `"`, CR, LF.
    static func delimiterByte(_ c: Character, file: String) throws -> UInt8 {
        guard let a = c.asciiValue, a != UInt8(ascii: "\""), a != 0x0A, a != 0x0D else {
            throw DataFileError(file: file, message: "delimiter \(Printable.quoted(String(c))) is not usable; expected one ASCII character such as ',', ';' or a tab")
        }
        return a
    }
}

/// The outcome of parsing one numeric token as a `Double`.
enum ParsedDouble: Equatable {
    case finite(Double)
    case nonFinite(Double)
    case invalid
}

extension DecimalParser {
    /// Parses `bytes[start..<end]` as a `Double`: the same grammar as `parse` (decimal numbers,
    /// `nan`, `inf`, `infinity`), correctly rounded by `strtod`.
    static func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> ParsedDouble {
        switch parse(bytes, start, end) {
        case .invalid: return .invalid
        case .nonFinite(let v) where !(start..<end).contains(where: { bytes[$0] &- 48 < 10 }):
            return .nonFinite(Double(v))  // nan / inf / infinity
        default: break  // a decimal (possibly beyond Float's range but within Double's)
        }
        let length = end - start
        let value: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            return strtod(buffer.baseAddress!, nil)  // trap-ok: a temporary allocation of capacity >= 1 has a base address
        }
        return value.isFinite ? .finite(value) : .nonFinite(value)
    }
}

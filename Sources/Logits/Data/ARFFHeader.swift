/// One `@attribute` of an ARFF header.
struct ARFFAttribute {
    enum Kind: Equatable {
        /// `numeric`, `real` or `integer`.
        case numeric
        /// `{v0, v1, ...}`: the value's position in the list is its numeric code.
        case nominal([String])
    }
    var name: String
    var kind: Kind
    /// 1-based header line of the declaration.
    var line: Int
    /// Nominal values as bytes, for matching data tokens without creating strings.
    var nominalBytes: [[UInt8]] = []

    var isBinaryNominal: Bool { kind == .nominal(["0", "1"]) }
}

/// The parsed header of an ARFF file: attributes in declaration order and where `@data` begins.
struct ARFFHeader {
    var relation: String = ""
    var attributes: [ARFFAttribute] = []
    /// Byte offset of the first byte after the `@data` line.
    var dataOffset = 0
    /// Line number of the `@data` line.
    var dataLine = 0

    /// Parses everything up to and including `@data`.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> ARFFHeader {
        var header = ARFFHeader()
        var lines = ByteLines(bytes, from: ByteLines.byteOrderMarkLength(bytes))
        var sawContent = false
        var names = [String: Int]()
        while let (start, end, number) = lines.next() {
            if start == end || bytes[start] == UInt8(ascii: "%") { continue }
            sawContent = true
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            let keyword = text.prefix(while: { !$0.isWhitespace }).lowercased()
            let rest = text.dropFirst(keyword.count).drop(while: { $0.isWhitespace })
            switch keyword {
            case "@relation":
                header.relation = String(rest)
            case "@attribute":
                var attribute = try parseAttribute(rest, file: file, line: number)
                if let first = names[attribute.name] {
                    throw DataFileError(file: file, line: number, attribute: attribute.name,
                                        message: "duplicate attribute name (first declared on line \(first)); expected unique attribute names")
                }
                names[attribute.name] = number
                if case .nominal(let values) = attribute.kind { attribute.nominalBytes = values.map { Array($0.utf8) } }
                header.attributes.append(attribute)
            case "@data":
                guard !header.attributes.isEmpty else {
                    throw DataFileError(file: file, line: number, message: "@data before any @attribute; expected attribute declarations first")
                }
                header.dataOffset = lines.position
                header.dataLine = number
                return header
            default:
                throw DataFileError(file: file, line: number,
                                    message: "found \(quoted(text)); expected @relation, @attribute or @data in the header")
            }
        }
        if !sawContent {
            throw DataFileError(file: file, message: "empty file; expected an ARFF header (@relation, @attribute lines, @data)")
        }
        throw DataFileError(file: file, line: lines.lineNumber, message: "end of file before @data; expected an @data line after the attributes")
    }

    /// `NAME TYPE` after `@attribute`; NAME may be quoted with ' or " (backslash escapes).
    private static func parseAttribute(_ text: Substring, file: String, line: Int) throws -> ARFFAttribute {
        var name = ""
        var rest: Substring
        if let quote = text.first, quote == "'" || quote == "\"" {
            var index = text.index(after: text.startIndex)
            var closed = false
            while index < text.endIndex {
                let ch = text[index]
                if ch == "\\" {
                    index = text.index(after: index)
                    if index < text.endIndex { name.append(text[index]) }
                } else if ch == quote {
                    closed = true
                    break
                } else {
                    name.append(ch)
                }
                if index < text.endIndex { index = text.index(after: index) }
            }
            guard closed else {
                throw DataFileError(file: file, line: line, message: "attribute name \(quoted(String(text))) has no closing quote")
            }
            rest = text[text.index(after: index)...]
        } else {
            name = String(text.prefix(while: { !$0.isWhitespace }))
            rest = text.dropFirst(name.count)
        }
        rest = rest.drop(while: { $0.isWhitespace })
        guard !name.isEmpty else {
            throw DataFileError(file: file, line: line, message: "@attribute without a name; expected @attribute NAME TYPE")
        }
        guard !rest.isEmpty else {
            throw DataFileError(file: file, line: line, attribute: name, message: "no type; expected numeric, real, integer or {v1,v2,...}")
        }
        if rest.first == "{" {
            guard rest.last == "}" else {
                throw DataFileError(file: file, line: line, attribute: name, message: "nominal type \(quoted(String(rest))) is not closed with '}'")
            }
            let values = splitNominal(rest.dropFirst().dropLast())
            guard !values.isEmpty, !values.contains(where: \.isEmpty) else {
                throw DataFileError(file: file, line: line, attribute: name, message: "nominal type \(quoted(String(rest))) has an empty value; expected {v1,v2,...}")
            }
            guard Set(values).count == values.count else {
                throw DataFileError(file: file, line: line, attribute: name, message: "nominal type \(quoted(String(rest))) repeats a value")
            }
            return ARFFAttribute(name: name, kind: .nominal(values), line: line)
        }
        let type = rest.prefix(while: { !$0.isWhitespace }).lowercased()
        switch type {
        case "numeric", "real", "integer":
            return ARFFAttribute(name: name, kind: .numeric, line: line)
        default:
            throw DataFileError(file: file, line: line, attribute: name,
                                message: "unsupported type \(quoted(String(rest))); expected numeric, real, integer or {v1,v2,...}")
        }
    }

    /// Splits `a, 'b c', d` into unquoted, trimmed values.
    static func splitNominal(_ text: Substring) -> [String] {
        var values: [String] = []
        var current = ""
        var quote: Character? = nil
        var wasQuoted = false
        var escaped = false
        for ch in text {
            if let q = quote {
                if escaped { current.append(ch); escaped = false }
                else if ch == "\\" { escaped = true }
                else if ch == q { quote = nil }
                else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                wasQuoted = true
            } else if ch == "," {
                values.append(wasQuoted ? current : current.trimmingSpaces())
                current = ""
                wasQuoted = false
            } else {
                current.append(ch)
            }
        }
        values.append(wasQuoted ? current : current.trimmingSpaces())
        return values
    }

    static func quoted(_ text: String) -> String {
        let clipped = text.count > 60 ? String(text.prefix(60)) + "..." : text
        return "\"" + clipped + "\""
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}

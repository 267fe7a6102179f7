import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads Mulan's XML label file (`<labels xmlns="http://mulan.sourceforge.net/labels">` with one
/// `<label name="..."/>` per label, possibly nested for hierarchies) with Foundation's
/// `XMLParser` and returns the label names in document order. Any XML error (an unclosed tag,
/// a bad entity, text after the root) is a `DataFileError` with the parser's line number; so is a
/// root other than `<labels>`, a `<label>` without a name, or a repeated name.
enum MulanLabelFile {
    static func labelNames(path: String) throws -> [String] {
        try labelNames(data: try FileBytes.read(path), path: path)
    }

    /// Parses the XML bytes; `path` names the file in errors.
    static func labelNames(data: Data, path: String) throws -> [String] {
        guard !data.isEmpty else {
            throw DataFileError(file: path, message: "empty file; expected a Mulan XML label file")
        }
        try checkEncoding(data, path: path)
        let collector = LabelCollector(path: path)
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.delegate = collector
        let ok = parser.parse()
        if let failure = collector.failure { throw failure }
        guard ok else {
            let line = parser.lineNumber > 0 ? parser.lineNumber : nil
            let reason = parser.parserError.map { Self.describe($0) } ?? "malformed XML"
            throw DataFileError(file: path, line: line, message: "invalid XML: \(reason); expected a Mulan XML label file")
        }
        // corelibs' XMLParser (Linux) does not report a document that ends inside an element,
        // so open elements are tracked here.
        if let (name, line) = collector.open.last {
            throw DataFileError(file: path, line: line, message: "invalid XML: <\(name)> is never closed; expected </\(name)> or <\(name) .../>")
        }
        guard collector.sawRoot else {
            throw DataFileError(file: path, message: "no <labels> element; expected a Mulan XML label file")
        }
        guard !collector.names.isEmpty else {
            throw DataFileError(file: path, message: "no <label name=...> elements; expected at least one label")
        }
        return collector.names
    }

    /// Rejects what corelibs' `XMLParser` (libxml2 in recovery mode) cannot be trusted with:
    /// it traps on element or attribute names that are not valid UTF-8, and transcodes other
    /// encodings. So the bytes must be UTF-8 without NUL bytes, and an XML declaration may only
    /// name UTF-8 (or ASCII).
    private static func checkEncoding(_ data: Data, path: String) throws {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0, 0]) || bytes.contains(0) {
            throw DataFileError(file: path, message: "the text is UTF-16 or UTF-32 (or holds NUL bytes); convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // LF never occurs inside a UTF-8 sequence: the first line that fails to decode is the culprit.
            let line = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                .firstIndex { String(validating: $0, as: UTF8.self) == nil }.map { $0 + 1 }
            throw DataFileError(file: path, line: line, message: "not valid UTF-8 text; expected a UTF-8 Mulan XML label file")
        }
        // corelibs' XMLParser also traps on processing instructions without data (`<?x?>`) and on
        // several DTD declarations; a Mulan label file has neither, so both are refused here.
        var body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : text[...]  // indices shared with `text`
        func lineOf(_ index: Substring.Index) -> Int { 1 + text[..<index].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) } }
        if body.hasPrefix("<?xml"), let next = body.dropFirst(5).first, next == " " || next == "\t" || next == "\n" || next == "\r",
           let close = body.range(of: "?>") {
            let declaration = body[..<close.lowerBound].lowercased()
            body = body[close.upperBound...]
            if let range = declaration.range(of: "encoding") {
                let value = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
                    .prefix { $0 != "\"" && $0 != "'" && $0 != " " }
                guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(String(value)) else {
                    throw DataFileError(file: path, line: 1, message: "declares encoding \(Printable.quoted(String(value))); expected UTF-8 (convert the file and its declaration to UTF-8)")
                }
            }
        }
        if let pi = body.range(of: "<?") {
            throw DataFileError(file: path, line: lineOf(pi.lowerBound), message: "processing instruction '<?...?>'; a Mulan label file has none besides the leading <?xml ...?> declaration")
        }
        if let dtd = body.range(of: "<!DOCTYPE", options: .caseInsensitive) {
            throw DataFileError(file: path, line: lineOf(dtd.lowerBound), message: "document type declaration '<!DOCTYPE'; a Mulan label file has none")
        }
    }

    /// A one-line description of a parser error (libxml2's message when there is one).
    fileprivate static func describe(_ error: Error) -> String {
        let ns = error as NSError
        let text = ns.localizedDescription.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.hasPrefix("The operation could not be completed") {
            // corelibs gives only libxml2's error number (`xmlParserErrors`); name the common ones.
            let known: [Int: String] = [
                4: "document is empty", 5: "extra content after the root element", 9: "invalid character",
                26: "undeclared entity", 38: "'<' in an attribute value", 39: "attribute value without opening quote",
                40: "attribute value not closed", 41: "attribute without a value", 42: "attribute given twice",
                68: "name expected", 73: "'>' expected", 76: "closing tag does not match the open element",
                77: "element not finished",
            ]
            return (known[ns.code].map { $0 + " " } ?? "") + "(libxml2 error \(ns.code))"
        }
        return text.split(separator: "\n").joined(separator: " ")
    }

    /// Collects `<label name>` values; stops the parser at the first semantic error.
    private final class LabelCollector: NSObject, XMLParserDelegate {
        let path: String
        var names: [String] = []
        var seen = Set<String>()
        var sawRoot = false
        /// Elements opened and not yet closed, with their lines.
        var open: [(String, Int)] = []
        var failure: DataFileError?

        init(path: String) { self.path = path }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let line = parser.lineNumber
            open.append((elementName, line))
            if open.count == 1 {
                guard !sawRoot else {
                    fail(parser, line, "a second root element <\(elementName)>; expected one <labels> element")
                    return
                }
                guard elementName == "labels" else {
                    fail(parser, line, "root element <\(elementName)>; expected <labels>")
                    return
                }
                sawRoot = true
                return
            }
            guard elementName == "label" else { return }
            guard let name = attributes["name"] else {
                fail(parser, line, "<label> without a name attribute")
                return
            }
            guard seen.insert(name).inserted else {
                fail(parser, line, "duplicate label '\(name)'")
                return
            }
            names.append(name)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            _ = open.popLast()
        }

        /// libxml2 runs in recovery mode under corelibs' XMLParser, so the parse result alone
        /// misses errors such as an unclosed tag: every reported error is fatal here.
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            fail(parser, parser.lineNumber, "invalid XML: \(MulanLabelFile.describe(parseError)); expected a Mulan XML label file")
        }

        private func fail(_ parser: XMLParser, _ line: Int, _ message: String) {
            if failure == nil { failure = DataFileError(file: path, line: line, message: message) }
            parser.abortParsing()
        }
    }

    /// The Mulan XML file that belongs to an ARFF file: `DIR/NAME.xml` for `NAME.arff`,
    /// `NAME-train.arff`, `NAME-test.arff` (also `_train`/`_test`/`_training`, and `.arff.gz`), if it exists.
    static func companion(ofARFF path: String) -> String? {
        var url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "gz" { url = url.deletingPathExtension() }
        let dir = url.deletingLastPathComponent()
        var stem = url.deletingPathExtension().lastPathComponent
        var candidates = [stem]
        for suffix in ["-train", "-test", "_train", "_test", "_training", "-training"] where stem.hasSuffix(suffix) {
            stem = String(stem.dropLast(suffix.count))
            candidates.append(stem)
        }
        for name in candidates.reversed() {
            let xml = dir.appendingPathComponent(name + ".xml").path
            if FileManager.default.fileExists(atPath: xml) { return xml }
        }
        return nil
    }
}

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
        guard collector.sawRoot else {
            throw DataFileError(file: path, message: "no <labels> element; expected a Mulan XML label file")
        }
        guard !collector.names.isEmpty else {
            throw DataFileError(file: path, message: "no <label name=...> elements; expected at least one label")
        }
        return collector.names
    }

    /// A one-line description of a parser error (libxml2's message when there is one).
    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        let text = ns.localizedDescription.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.hasPrefix("The operation could not be completed") {
            return "parser error \(ns.code)"
        }
        return text.split(separator: "\n").joined(separator: " ")
    }

    /// Collects `<label name>` values; stops the parser at the first semantic error.
    private final class LabelCollector: NSObject, XMLParserDelegate {
        let path: String
        var names: [String] = []
        var seen = Set<String>()
        var sawRoot = false
        var depth = 0
        var failure: DataFileError?

        init(path: String) { self.path = path }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            let line = parser.lineNumber
            if depth == 1 {
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
            depth -= 1
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

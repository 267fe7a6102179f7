import Foundation

/// Reads Mulan's XML label file (`<labels xmlns="http://mulan.sourceforge.net/labels">` with one
/// `<label name="..."/>` per label, possibly nested for hierarchies) and returns the label
/// names in file order. XML entities (`&amp;` etc.) are decoded.
enum MulanLabelFile {
    static func labelNames(path: String) throws -> [String] {
        let data = try FileBytes.read(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError(file: path, message: "not UTF-8 text; expected a Mulan XML label file")
        }
        guard text.contains("<labels") else {
            throw DataFileError(file: path, message: "no <labels> element; expected a Mulan XML label file")
        }
        var names: [String] = []
        var seen = Set<String>()
        var line = 1
        var rest = Substring(text)
        while let open = rest.range(of: "<label") {
            line += rest[..<open.lowerBound].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            rest = rest[open.upperBound...]
            // `<labels` is the root element, not a label.
            guard let next = rest.first, next == " " || next == "\t" || next == "\n" || next == "\r" || next == "/" || next == ">" else { continue }
            guard let close = rest.firstIndex(of: ">") else {
                throw DataFileError(file: path, line: line, message: "unterminated <label> element")
            }
            let element = rest[..<close]
            guard let nameRange = element.range(of: "name=") else {
                throw DataFileError(file: path, line: line, message: "<label> without a name attribute")
            }
            let afterName = element[nameRange.upperBound...]
            guard let quote = afterName.first, quote == "\"" || quote == "'",
                  let endQuote = afterName.dropFirst().firstIndex(of: quote) else {
                throw DataFileError(file: path, line: line, message: "label name is not quoted")
            }
            let name = decodeEntities(String(afterName[afterName.index(after: afterName.startIndex)..<endQuote]))
            guard seen.insert(name).inserted else {
                throw DataFileError(file: path, line: line, message: "duplicate label '\(name)'")
            }
            names.append(name)
            rest = rest[close...]
        }
        guard !names.isEmpty else {
            throw DataFileError(file: path, message: "no <label name=...> elements; expected at least one label")
        }
        return names
    }

    private static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
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

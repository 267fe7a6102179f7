import Foundation
import Logits

/// Features without labels, for `predict`: comma-separated numbers, one row per line, with an
/// optional header row (detected when a field of the first row is not a number).
struct FeatureTable {
    var header: [String]?
    var features: Matrix

    /// Parses `text`. When the header names every feature of `featureNames`, those columns are
    /// picked by name (extra columns, e.g. labels, are ignored); otherwise the row must have exactly
    /// `featureCount` fields.
    /// - Throws: `UserError` naming the source, line and column of a bad field or a wrong field count.
    static func parse(_ text: String, source: String, featureCount: Int, featureNames: [String]) throws -> FeatureTable {
        var lines: [(number: Int, fields: [Substring])] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((lineNumber, line.split(separator: ",", omittingEmptySubsequences: false)))
        }
        guard let first = lines.first else { throw UserError("\(source): no input rows") }
        var header: [String]? = nil
        if first.fields.contains(where: { Float($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            lines.removeFirst()
        }
        // Column selection.
        var columns = Array(0..<featureCount)
        var width = featureCount
        if let header {
            width = header.count
            if header.count != featureCount {
                let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                let picked = featureNames.compactMap { index[$0] }
                guard featureNames.count == featureCount, picked.count == featureCount else {
                    throw UserError("\(source): the header has \(header.count) columns; the model expects \(featureCount) features"
                                    + (featureNames.isEmpty ? "" : " (named \(featureNames.prefix(3).joined(separator: ", "))...)"))
                }
                columns = picked
            }
        }
        var values = [Float]()
        values.reserveCapacity(lines.count * featureCount)
        for (number, fields) in lines {
            guard fields.count == width else {
                throw UserError("\(source), line \(number): \(fields.count) fields, expected \(width)"
                                + (header == nil ? " (the model's feature count)" : " (as the header)"))
            }
            for c in columns {
                let text = fields[c].trimmingCharacters(in: .whitespaces)
                guard let v = Float(text), v.isFinite else {
                    throw UserError("\(source), line \(number), column \(c + 1): '\(text)' is not a finite number")
                }
                values.append(v)
            }
        }
        guard !lines.isEmpty else { throw UserError("\(source): a header but no data rows") }
        return FeatureTable(header: header, features: try Matrix(rows: lines.count, cols: featureCount, storage: values))
    }
}

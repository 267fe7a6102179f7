import Foundation
import Logits

/// Features without labels, for `predict`: a strict numeric CSV read by the library's
/// `NumericTable` (BOM, CRLF, detected delimiter, header detected or given), with columns matched
/// to the model's feature names when there is a header.
struct FeatureTable {
    var header: [String]?
    var features: Matrix

    /// Reads CSV bytes (`source` names them in errors: a path or `stdin`).
    /// - Parameters:
    ///   - featureNames: the model's feature names (empty: match by position).
    ///   - ignoring: header names to drop (e.g. label columns of a labelled file).
    /// - Throws: `DataFileError` naming source, line and column, or listing missing / unknown /
    ///   duplicate header names.
    static func read(_ data: Data, source: String, featureCount: Int, featureNames: [String],
                     options: CSVOptions = CSVOptions(), ignoring: Set<String> = []) throws -> FeatureTable {
        let table = try NumericTable.parse(data, source: source, options: options)
        return FeatureTable(header: table.header,
                            features: try table.features(names: featureNames, count: featureCount, ignoring: ignoring))
    }

    /// `read` for text already decoded.
    static func parse(_ text: String, source: String, featureCount: Int, featureNames: [String],
                      options: CSVOptions = CSVOptions(), ignoring: Set<String> = []) throws -> FeatureTable {
        try read(Data(text.utf8), source: source, featureCount: featureCount, featureNames: featureNames,
                 options: options, ignoring: ignoring)
    }
}

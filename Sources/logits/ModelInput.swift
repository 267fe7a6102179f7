import Foundation
import Logits

/// Opening a model file and reading the rows to run it on, for `predict`, `evaluate` and `curves`.
enum ModelInput {
    /// The classifier in `path`.
    static func classifier(_ path: String) throws -> Classifier {
        try DataOptions.checkReadable(path, what: "model file")
        return try Classifier.read(from: URL(fileURLWithPath: path))
    }

    /// Feature rows for `classifier`, in its column order (matched by name when the input names
    /// its columns): a data file through the loaders, or CSV rows from a file or stdin.
    /// - Returns: the features and a display name of the source.
    static func features(for classifier: Classifier, data: String?, format: FormatChoice, labels: String?,
                         csv: CSVOptions = CSVOptions(), storage: [String] = []) throws -> (FeatureMatrix, String) {
        let path = data == "-" ? nil : data
        guard let path else {
            let bytes = FileHandle.standardInput.readDataToEndOfFile()
            let table = try FeatureTable.read(bytes, source: "stdin", featureCount: classifier.inputCount,
                                              featureNames: classifier.featureNames, options: csv)
            return (.dense(table.features), "stdin")
        }
        try DataOptions.checkReadable(path, what: "input file")
        let isCSV = format == .csv || (format == .auto && DataFormat.detect(fileName: (path as NSString).lastPathComponent) == .csv)
        if isCSV && labels == nil {
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw UserError("cannot read input file '\(path)': \(error.localizedDescription)")
            }
            return (.dense(try FeatureTable.read(bytes, source: path, featureCount: classifier.inputCount,
                                                 featureNames: classifier.featureNames, options: csv).features), path)
        }
        let options = try DataOptions.parse(["--format", format.rawValue] + (labels.map { ["--labels", $0] } ?? []) + storage)
        let set = try options.load(path, matching: classifier.featureNames)
        return (try classifier.alignFeatures(of: set, source: path), path)
    }
}

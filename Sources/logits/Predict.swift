import ArgumentParser
import Foundation
import Logits

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a model file: one output row per input row with the predicted names, probabilities and logits.",
        discussion: """
        Input: --data FILE (ARFF/LIBSVM/CSV/IDX, labelled or not) or, without --data, comma-separated \
        feature rows on stdin (an optional header row; no labels needed). Features are standardized \
        with the statistics stored in the model.
        """)

    @Option(help: "Model file written by 'logits train'.")
    var model: String

    @Option(help: "Input file ('-' or omitted: feature rows as CSV on stdin).")
    var data: String?

    @Option(help: "Input format: auto (from the file name), arff, libsvm, csv or idx.")
    var inputFormat: FormatChoice = .auto

    @Option(help: ArgumentHelp("Label attributes of a labelled input file (count or names), as for train.", valueName: "N|names"))
    var labels: String?

    @Option(help: "Output format: csv or jsonl.")
    var format: OutputFormat = .csv

    @Option(help: "Predict the K highest-scoring classes/labels per row instead of thresholding.")
    var topK: Int?

    @Option(help: "Multi-label probability threshold (default: the model's tuned thresholds if any, else 0.5).")
    var threshold: Double?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

    func validate() throws {
        if let topK, topK < 1 { throw ValidationError("--top-k must be >= 1, got \(topK)") }
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability strictly between 0 and 1, got \(threshold)")
        }
    }

    func run() throws {
        let loaded = try LoadedModel(path: model)
        let (features, source) = try readInput(loaded)
        let logits = try loaded.logits(of: features, source: source)
        var probabilities = Matrix(rows: 0, cols: 0)
        Prediction.probabilities(logits: logits, task: loaded.task, into: &probabilities)
        let names = loaded.labelNames
        let outputs = logits.cols
        let multiClass: Bool
        if case .multiClass = loaded.task { multiClass = true } else { multiClass = false }
        var cut = try loaded.file.thresholds ?? [logitThreshold(probability: 0.5)]
        if let threshold { cut = [try logitThreshold(probability: threshold)] }
        let top = topK.map { Prediction.topK(logits, k: $0) }
        let argmax = Prediction.argmax(logits)

        var out = ""
        if format == .csv {
            out += (["row", "predicted"] + names.map { "prob_\($0)" } + names.map { "logit_\($0)" }).map(csvField).joined(separator: ",") + "\n"
        }
        for r in 0..<logits.rows {
            let predicted: [Int]
            if let top {
                predicted = top[r]
            } else if multiClass {
                predicted = [argmax[r]]
            } else {
                predicted = (0..<outputs).filter { Double(logits[r, $0]) > (cut.count == 1 ? cut[0] : cut[$0]) }
            }
            let row = Array(logits.row(r)), probs = Array(probabilities.row(r))
            switch format {
            case .csv:
                let fields = [String(r), predicted.map { names[$0] }.joined(separator: "|")]
                    + probs.map { "\($0)" } + row.map { "\($0)" }
                out += fields.map(csvField).joined(separator: ",") + "\n"
            case .jsonl:
                let pred = predicted.map { SafeTensors.jsonString(names[$0]) }.joined(separator: ",")
                let p = zip(names, probs).map { "\(SafeTensors.jsonString($0)):\($1)" }.joined(separator: ",")
                let z = zip(names, row).map { "\(SafeTensors.jsonString($0)):\($1)" }.joined(separator: ",")
                out += "{\"row\":\(r),\"predicted\":[\(pred)],\"probabilities\":{\(p)},\"logits\":{\(z)}}\n"
            }
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// Reads the features to predict: a data file through the loaders, or CSV feature rows.
    private func readInput(_ loaded: LoadedModel) throws -> (Matrix, String) {
        let path = data == "-" ? nil : data
        guard let path else {
            let bytes = FileHandle.standardInput.readDataToEndOfFile()
            let table = try FeatureTable.parse(String(decoding: bytes, as: UTF8.self), source: "stdin",
                                               featureCount: loaded.inputCount, featureNames: loaded.file.featureNames)
            return (table.features, "stdin")
        }
        try DataOptions.checkReadable(path, what: "input file")
        let isCSV = inputFormat == .csv || (inputFormat == .auto && DataFormat.detect(fileName: (path as NSString).lastPathComponent) == .csv)
        if isCSV && labels == nil {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw UserError("cannot read input file '\(path)': \(error.localizedDescription)")
            }
            return (try FeatureTable.parse(text, source: path, featureCount: loaded.inputCount,
                                           featureNames: loaded.file.featureNames).features, path)
        }
        let options = try DataOptions.parse(["--format", inputFormat.rawValue] + (labels.map { ["--labels", $0] } ?? []))
        return (try options.load(path).features, path)
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

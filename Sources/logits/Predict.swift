import ArgumentParser
import Foundation
import Logits

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a model file: one output row per input row with the predicted names, probabilities and logits.",
        discussion: """
        Input: --data FILE (ARFF/LIBSVM/CSV/IDX, labelled or not) or, without --data, CSV feature \
        rows on stdin. A CSV header is matched to the model's feature names by name (any order). \
        Features are standardized with the statistics stored in the model. Decisions use the \
        thresholds stored in the model (tuned at training) unless --threshold is given.
        """)

    @Option(help: "Model file written by 'logits train'.")
    var model: String

    @Option(help: "Input file ('-' or omitted: feature rows as CSV on stdin).")
    var data: String?

    @Option(help: "Input format: auto (from the file name), arff, libsvm, csv or idx.")
    var inputFormat: FormatChoice = .auto

    @Option(help: ArgumentHelp("Label attributes of a labelled input file (count or names), as for train.", valueName: "N|names"))
    var labels: String?

    @OptionGroup var csv: CSVInputOptions
    @OptionGroup var storage: StorageOptions
    @OptionGroup var resources: ResourceOptions

    @Option(help: "Output format: csv or jsonl.")
    var format: OutputFormat = .csv

    @Option(parsing: .unconditional, help: "Predict the K highest-scoring classes/labels per row instead of thresholding.")
    var topK: Int?

    @Option(parsing: .unconditional, help: "Multi-label probability threshold for every label (default: the model's stored thresholds).")
    var threshold: Double?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

    func validate() throws {
        if let topK, topK < 1 { throw ValidationError("--top-k must be >= 1 (got \(topK))") }
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability strictly between 0 and 1 (got \(threshold))")
        }
    }

    func run() throws {
        try resources.apply()
        let classifier = try ModelInput.classifier(model)
        let (features, _) = try ModelInput.features(for: classifier, data: data, format: inputFormat, labels: labels,
                                                    csv: try csv.csvOptions(), storage: storage.arguments)
        let logits = try classifier.logits(features)
        let probabilities = classifier.probabilities(logits: logits)
        let names = classifier.labelNames
        let predicted = try topK.map { Prediction.topK(logits, k: $0) }
            ?? classifier.predictedIndices(logits: logits, logitThresholds: try threshold.map { [try Classifier.logitThreshold(probability: $0)] })

        var out = ""
        if format == .csv {
            out += (["row", "predicted"] + names.map { "prob_\($0)" } + names.map { "logit_\($0)" }).map(csvField).joined(separator: ",") + "\n"
        }
        for r in 0..<logits.rows {
            let row = Array(logits.row(r)), probs = Array(probabilities.row(r))
            switch format {
            case .csv:
                let fields = [String(r), predicted[r].map { names[$0] }.joined(separator: "|")]
                    + probs.map { "\($0)" } + row.map { "\($0)" }
                out += fields.map(csvField).joined(separator: ",") + "\n"
            case .jsonl:
                let pred = predicted[r].map { SafeTensors.jsonString(names[$0]) }.joined(separator: ",")
                let p = zip(names, probs).map { "\(SafeTensors.jsonString($0)):\($1)" }.joined(separator: ",")
                let z = zip(names, row).map { "\(SafeTensors.jsonString($0)):\($1)" }.joined(separator: ",")
                out += "{\"row\":\(r),\"predicted\":[\(pred)],\"probabilities\":{\(p)},\"logits\":{\(z)}}\n"
            }
            if out.utf8.count > 1 << 16 {
                try StandardOutput.write(out)
                out = ""
            }
        }
        try StandardOutput.write(out)
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

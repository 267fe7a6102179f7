import ArgumentParser
import Foundation
import Logits
import LogitsMetrics

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model file on a labelled data set: the full metric report for its task.",
        discussion: "Metrics come from LogitsMetrics, computed on the logits (scikit-learn definitions and names).")

    @Option(help: "Model file written by 'logits train'.")
    var model: String

    @Option(help: "Labelled data file.")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Multi-label decision threshold on the probability (default 0.5).")
    var threshold: Double?

    @Option(help: ArgumentHelp("Use the per-label thresholds stored in the model ('tuned', from train --tune-thresholds).", valueName: "tuned"))
    var thresholds: String?

    @Option(help: "k of precision@k / nDCG@k (multi-label) and top-k accuracy (multi-class).")
    var k: Int = 3

    @Flag(help: "Also print one row per class/label.")
    var perLabel = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let thresholds, thresholds != "tuned" { throw ValidationError("--thresholds takes 'tuned', got '\(thresholds)'") }
        if threshold != nil && thresholds != nil { throw ValidationError("give either --threshold or --thresholds tuned, not both") }
        guard k >= 1 else { throw ValidationError("--k must be >= 1, got \(k)") }
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability strictly between 0 and 1, got \(threshold)")
        }
    }

    func run() throws {
        let loaded = try LoadedModel(path: model)
        let set = try dataOptions.load(data)
        let targets = try loaded.targets(of: set, source: data)
        let logits = try loaded.logits(of: set.features, source: data)
        let decision: [Double]
        let decisionText: String
        if thresholds == "tuned" {
            guard let tuned = loaded.file.thresholds else {
                throw UserError("model '\(model)' has no tuned thresholds (train it with --tune-thresholds)")
            }
            decision = tuned
            decisionText = "per-label thresholds tuned at training"
        } else {
            let p = threshold ?? 0.5
            decision = [try logitThreshold(probability: p)]
            decisionText = "threshold \(p)"
        }
        let report = try EvaluationReport(task: loaded.task, logits: logits, targets: targets,
                                          labelNames: loaded.labelNames, thresholds: decision, k: k)
        if json {
            var value = report.json
            if perLabel { value = value.appending("label_names", .array(loaded.labelNames.map { .string($0) })) }
            print(value.prettyJSON)
            return
        }
        let kind = loaded.file.task.kind
        print("Model \(model) (\(kind), \(loaded.task.outputCount) outputs) on \(data): \(set.count) rows"
              + (kind == "multiclass" ? "" : ", \(decisionText)"))
        print(report.summaryTable.render(), terminator: "")
        if perLabel {
            print("")
            print(report.perLabel.render(), terminator: "")
        }
    }
}

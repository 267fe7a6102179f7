import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model file on a labelled data set: the full metric report for its task.",
        discussion: """
        Metrics come from LogitsMetrics, computed on the logits (scikit-learn definitions and names). \
        Columns and labels are matched to the model's by name. Multi-label decisions use the \
        thresholds stored in the model (tuned at training, else 0.5) unless --threshold is given; \
        the report says which.
        """)

    @Option(help: "Model file written by 'logits train'.")
    var model: String

    @Option(help: "Labelled data file.")
    var data: String

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var resources: ResourceOptions

    @Option(parsing: .unconditional, help: "Multi-label decision threshold on the probability for every label (default: the model's stored thresholds).")
    var threshold: Double?

    @Option(parsing: .unconditional, help: "k of precision@k / nDCG@k (multi-label) and top-k accuracy (multi-class).")
    var k: Int = 3

    @Option(name: .customLong("propensity-train"),
            help: "Multi-label: the model's training data file (read with the same data options); its label counts give the propensities of PSP@1/3/5 and PSnDCG@1/3/5 (Jain et al. 2016, A 0.55, B 1.5).")
    var propensityTrain: String?

    @Flag(help: "Also print one row per class/label.")
    var perLabel = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be >= 1 (got \(k))") }
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability strictly between 0 and 1 (got \(threshold))")
        }
    }

    func run() throws {
        try resources.apply()
        let classifier = try ModelInput.classifier(model)
        let set = try dataOptions.load(data, matching: classifier.featureNames)
        let override = try threshold.map { [try Classifier.logitThreshold(probability: $0)] }
        var propensity: LabelPropensity? = nil
        if let propensityTrain {
            guard !classifier.isMultiClass else {
                throw ValidationError("--propensity-train is for multi-label models; this model is multi-class")
            }
            propensity = try LabelPropensity(training: try dataOptions.load(propensityTrain, matching: classifier.featureNames), labelNames: classifier.labelNames,
                                             source: propensityTrain)
        }
        let report = try EvaluationReport(classifier: classifier, data: set, source: data, k: k, logitThresholds: override,
                                          propensity: propensity)
        let decision = classifier.isMultiClass ? "argmax"
            : threshold.map { "threshold \($0) (--threshold)" }
            ?? (classifier.hasDefaultThresholds ? "threshold 0.5 (the model stores no tuned thresholds)" : "the model's per-label thresholds (tuned at training)")
        if json {
            var value = report.json.appending("decision", .string(decision))
            if perLabel { value = value.appending("label_names", .array(classifier.labelNames.map { .string($0) })) }
            try StandardOutput.write(value.prettyJSON + "\n")
            return
        }
        var out = "Model \(model) (\(classifier.isMultiClass ? "multiclass" : "multilabel"), \(classifier.outputCount) outputs) on \(data): \(set.count) rows, decision: \(decision)\n"
        var t = TextTable(["metric", "value"])
        for h in report.summary { t.add([h.name, h.value.map { fmt($0) } ?? "n/a"]) }
        out += t.render()
        if perLabel {
            var table = TextTable([classifier.isMultiClass ? "class" : "label"] + report.perLabelColumns)
            for row in report.perLabel {
                table.add([row.name] + row.values.enumerated().map { i, v in
                    guard let v else { return "n/a" }
                    return i == 0 ? String(Int(v)) : fmt(v)
                })
            }
            out += "\n" + table.render()
        }
        try StandardOutput.write(out)
    }
}

extension MetricValue {
    /// `.object` with one more entry at the end.
    func appending(_ key: String, _ value: MetricValue) -> MetricValue {
        guard case .object(var entries) = self else { return self }
        entries.append(MetricEntry(key, value))
        return .object(entries)
    }
}

import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an MLP classifier and save it as a safetensors model file.",
        discussion: """
        Without --data, trains on the bundled yeast data set (multi-label, 14 labels, standard \
        1500/917 split) and compares the test metrics with published results. The library's \
        TrainingRecipe decides every unset option from the data: TrainingDefaults by size, weight \
        decay and dropout chosen on the validation split for small data (unless you fix one), \
        per-label thresholds tuned on it for multi-label data, a refit on all rows when there is a \
        test set. Progress goes to stderr; the report goes to stdout.
        """)

    @Option(help: "Training data file (default: the bundled yeast training set).")
    var data: String?

    @Option(help: "Test data file evaluated after training (default with the bundled data: yeast-test).")
    var test: String?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var flags: TrainFlags
    @OptionGroup var resources: ResourceOptions

    @Option(help: "Model file to write; the training history goes next to it as NAME.history.json.")
    var out: String = "model.safetensors"

    @Flag(help: "Print the final report as JSON on stdout.")
    var json = false

    func validate() throws {
        try flags.validate()
        if test != nil && data == nil { throw ValidationError("--test needs --data (the bundled data set has its own test split)") }
    }

    func run() throws {
        try resources.apply()
        let modelURL = URL(fileURLWithPath: out), historyURL = TrainingHistory.url(forModel: modelURL)
        try OutputPath.checkWritable(modelURL, flag: "--out")
        let input = try TrainingInput.load(data: data, test: test, options: dataOptions)
        let stop = InterruptFlag.install()
        var options = try flags.trainingOptions(task: input.train.task)
        options.stopRequested = { stop.isSet }
        let recipe = TrainingRecipe(options: options, hooks: .standard)
        let plan = try recipe.plan(rows: input.train.count, task: input.train.task, hasTestSet: input.test != nil,
                                   sparse: input.train.isSparse, features: input.train.featureCount)
        try recipe.checkMemory(plan, inputs: input.train.featureCount, outputs: input.train.task.outputCount,
                               sparseInput: input.train.isSparse)  // before the data check
        let header = TrainSummary.header(input: input, plan: plan, lossDescription: try flags.lossDescription(task: input.train.task))
        let diagnostics = input.train.diagnostics
        if !json { try StandardOutput.write((header + diagnostics.lines().map { "Data check: " + $0 }).joined(separator: "\n") + "\n") }
        for line in flags.warnings + DataWarnings.lines(train: input.train, test: input.test, testName: input.testName) {
            FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
        }

        let progress = TrainProgress(plan: plan)
        let trained = try recipe.train(input.train, hasTestSet: input.test != nil) { progress.handle($0) }

        let evaluated: (name: String, set: Dataset)? = input.test.map { ("test", $0) }
            ?? (trained.result.refitHistory == nil ? trained.validation.map { ("validation", $0) } : nil)
        // PSP@k / PSnDCG@k on the test set, with propensities from the training file's label counts.
        var propensity: LabelPropensity? = nil
        if input.test != nil, case .multiLabel = input.train.task {
            do {
                propensity = try LabelPropensity(training: input.train, labelNames: trained.classifier.labelNames, source: input.trainName)
            } catch {
                FileHandle.standardError.write(Data("warning: PSP@k and PSnDCG@k left out: \(error)\n".utf8))
            }
        }
        let report = try evaluated.map {
            try EvaluationReport(classifier: trained.classifier, data: $0.set, source: $0.name == "test" ? input.testName ?? "test" : "validation rows",
                                 propensity: propensity)
        }
        try trained.classifier.write(to: modelURL)
        try TrainingHistory(monitor: plan.monitor, result: trained.result, refit: trained.result.refitHistory,
                            hyperparameters: header, plan: trained.plan, selection: trained.selection,
                            baseline: trained.baseline).write(to: historyURL)
        let summary = TrainSummary(input: input, trained: trained, diagnostics: diagnostics, evaluated: evaluated, report: report,
                                   modelURL: modelURL, historyURL: historyURL, seconds: progress.seconds)
        if json {
            try StandardOutput.write(summary.json.prettyJSON + "\n")
        } else {
            try StandardOutput.write(summary.text)
        }
    }
}

import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

struct CV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "K-fold cross-validation of logits train's recipe: mean ± std of every metric and a per-fold table.",
        discussion: """
        Folds are stratified for classes and built by iterative stratification for labels \
        (Sechidis et al. 2011); they partition the rows exactly and are the same for the same --seed. \
        Each fold is held out once; the rest is trained with the same flags as 'logits train' \
        (model selection, thresholds and refit included).
        """)

    @Option(help: "Labelled data file (default: the bundled yeast training set).")
    var data: String?

    @Option(parsing: .unconditional, help: "Number of folds (>= 2).")
    var folds: Int = 5

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var flags: TrainFlags
    @OptionGroup var resources: ResourceOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        try flags.validate()
        guard folds >= 2 else { throw ValidationError("--folds must be >= 2 (got \(folds))") }
    }

    func run() throws {
        try resources.apply()
        let set = try TrainingInput.load(data: data, test: nil, options: dataOptions).train
        var options = try flags.trainingOptions(task: set.task)
        let stop = InterruptFlag.install()
        options.stopRequested = { stop.isSet }
        options.refit = options.refit ?? false
        let recipe = TrainingRecipe(options: options, hooks: .standard)
        let result = try CrossValidation.run(recipe, data: set, k: folds, seed: flags.seed) { i, k in
            FileHandle.standardError.write(Data("fold \(i)/\(k)\n".utf8))
        }
        let names = result.metricNames
        if json {
            let summary = names.compactMap { n in result.summary(n).map { MetricEntry(n, .object([MetricEntry("mean", .number($0.mean)), MetricEntry("std", .number($0.std))])) } }
            let perFold = result.folds.map { f in
                MetricValue.object([MetricEntry("fold", .integer(f.index)), MetricEntry("train_rows", .integer(f.trainRows)),
                                    MetricEntry("test_rows", .integer(f.testRows))]
                                   + f.metrics.map { MetricEntry($0.name, $0.value.map { .number($0) } ?? .null) })
            }
            try StandardOutput.write(MetricValue.object([MetricEntry("folds", .integer(folds)), MetricEntry("seed", .integer(Int(flags.seed))),
                                                         MetricEntry("summary", .object(summary)), MetricEntry("per_fold", .array(perFold))]).prettyJSON + "\n")
            return
        }
        var t = TextTable(["metric", "mean", "std"] + result.folds.map { "fold \($0.index)" })
        for n in names {
            let s = result.summary(n)
            t.add([n, s.map { fmt($0.mean) } ?? "n/a", s.map { fmt($0.std) } ?? "n/a"]
                  + result.folds.map { f in f.metrics.first { $0.name == n }?.value.map { fmt($0) } ?? "n/a" })
        }
        try StandardOutput.write("\(folds)-fold cross-validation of \(data ?? "yeast-train.arff (bundled)"): \(set.count) rows, seed \(flags.seed)\n" + t.render())
    }
}

import Foundation
import Testing
import Logits
import LogitsEvaluation
@testable import LogitsCLI

@Suite("logits train uses the recipe's defaults")
struct TrainDefaultsTests {
    @Test("With no flags, the CLI's options resolve to exactly the recipe's default plan", arguments: [
        (1500, ClassificationTask.multiLabel(labels: 14), true), (333, .multiLabel(labels: 45), false),
        (60_000, .multiClass(classes: 10), true), (9000, .multiClass(classes: 3), false),
    ])
    func defaults(rows: Int, task: ClassificationTask, hasTest: Bool) throws {
        let command = try Train.parse([])
        let cli = try TrainingRecipe(options: try command.flags.trainingOptions(task: task), hooks: .standard)
            .plan(rows: rows, task: task, hasTestSet: hasTest)
        let library = try TrainingRecipe(options: TrainingOptions(), hooks: .standard).plan(rows: rows, task: task, hasTestSet: hasTest)
        #expect(cli == library)
    }

    @Test("Every flag reaches the options unchanged")
    func flags() throws {
        let command = try Train.parse(["--hidden", "32,16", "--dropout", "0.1", "--weight-decay", "0.25", "--lr", "0.01",
                                       "--epochs", "7", "--batch", "16", "--patience", "3", "--validation", "0.2",
                                       "--no-refit", "--no-tune-thresholds", "--seed", "9", "--optimizer", "sgd", "--momentum", "0.5",
                                       "--binary-scaling", "max-abs"])
        let o = try command.flags.trainingOptions(task: .multiLabel(labels: 3))
        #expect(o.hidden == [32, 16] && o.dropout == 0.1 && o.weightDecay == 0.25 && o.learningRate == 0.01)
        #expect(o.epochs == 7 && o.batchSize == 16 && o.patience == 3 && o.validationFraction == 0.2)
        #expect(o.refit == false && o.tuneThresholds == false && o.seed == 9 && o.optimizer == .sgd && o.momentum == 0.5)
        #expect(o.binaryScaling == .maxAbs)
        #expect(try Train.parse([]).flags.trainingOptions(task: .multiLabel(labels: 3)).binaryScaling == nil)
        for name in ["centred", "centred-only", "std"] {
            #expect(try Train.parse(["--binary-scaling", name]).flags.trainingOptions(task: .multiLabel(labels: 3)).binaryScaling?.name == name)
        }
        #expect(throws: (any Error).self) { try Train.parse(["--binary-scaling", "minmax"]) }
        #expect(try Train.parse([]).flags.trainingOptions(task: .multiClass(classes: 3)).sharedRange == .common)
        let choices: [(String, FeatureScaling.SharedRangeScale)] = [("common", .common), ("floor", .flooredStandardDeviation),
                                                                    ("per-column", .standardDeviation)]
        for (name, choice) in choices {
            #expect(try Train.parse(["--shared-range", name]).flags.trainingOptions(task: .multiClass(classes: 3)).sharedRange == choice)
        }
        #expect(throws: (any Error).self) { try Train.parse(["--shared-range", "global"]) }
    }

    @Test("The plan records the shared-range scaling, and the recipe fits the features with it")
    func sharedRangeInPlan() throws {
        let task = ClassificationTask.multiClass(classes: 10)
        let byDefault = try TrainingRecipe(options: TrainingOptions(), hooks: .standard).plan(rows: 60_000, task: task, hasTestSet: true)
        #expect(byDefault.sharedRange == .common && byDefault.entries.contains { $0 == ("shared_range", "common") })
        var o = TrainingOptions()
        o.sharedRange = .standardDeviation
        #expect(try TrainingRecipe(options: o, hooks: .standard).plan(rows: 60_000, task: task, hasTestSet: true)
            .entries.contains { $0 == ("shared_range", "per-column") })
        o.standardize = false
        #expect(try TrainingRecipe(options: o, hooks: .standard).plan(rows: 60_000, task: task, hasTestSet: true)
            .entries.contains { $0 == ("shared_range", "none") })
    }

    @Test("The baseline line: a warning only when the model loses on both the loss and the metric")
    func baselineLine() {
        let what = "label predicted with its training base rate"
        let both = TrainSummary.baselineLine(BaselineComparison(baselineLoss: 0.5, modelLoss: 0.4, metricName: "val_lrap",
                                                                baselineMetric: 0.6, modelMetric: 0.8, metricHigherIsBetter: true), what: what)
        #expect(both.hasPrefix("The model beats the constant baseline") && both.contains("val_lrap 0.8000 vs 0.6000"))
        let calibration = TrainSummary.baselineLine(BaselineComparison(baselineLoss: 0.069, modelLoss: 0.110, metricName: "val_lrap",
                                                                       baselineMetric: 0.21, modelMetric: 0.45, metricHigherIsBetter: true), what: what)
        #expect(!calibration.contains("WARNING") && calibration.contains("mis-calibrated") && calibration.contains("0.1100 vs 0.0690"))
        let neither = TrainSummary.baselineLine(BaselineComparison(baselineLoss: 0.069, modelLoss: 0.110, metricName: "val_lrap",
                                                                   baselineMetric: 0.45, modelMetric: 0.40, metricHigherIsBetter: true), what: what)
        #expect(neither.hasPrefix("WARNING: the model does not beat the constant baseline"))
        #expect(TrainSummary.baselineLine(BaselineComparison(baselineLoss: 0.069, modelLoss: 0.110), what: what).hasPrefix("WARNING"))
    }
}

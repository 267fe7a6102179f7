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
    }
}

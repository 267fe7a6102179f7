import Foundation
import Testing
import Logits
import LogitsEvaluation

/// Quality of `logits train`'s defaults (the library's `TrainingRecipe` with the standard hooks) on
/// the yeast test split, mean of 3 seeds, against the bar (Hamming <= 0.195, ranking loss <= 0.165,
/// LRAP >= 0.765). Uses the yeast files bundled with the CLI. Slow in debug builds: runs with
/// `LOGITS_SLOW_TESTS=1`; `logits-bench train --quality --config yeast` measures the same in release.
@Suite("Yeast quality of the default recipe (LOGITS_SLOW_TESTS=1)")
struct YeastQualityTests {
    static let yeastDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/logits/Resources/yeast").path
    static let enabled = ProcessInfo.processInfo.environment["LOGITS_SLOW_TESTS"] == "1"

    @Test("Default recipe beats BP-MLL / ML-kNN on yeast (mean of 3 seeds)", .enabled(if: enabled))
    func yeast() throws {
        let options = LoadOptions(labels: .trailing(14))
        let train = try Dataset.load(from: Self.yeastDir + "/yeast-train.arff", options: options)
        let test = try Dataset.load(from: Self.yeastDir + "/yeast-test.arff", options: options)
        var sums = (0.0, 0.0, 0.0)
        for seed: UInt64 in [0, 1, 2] {
            var o = TrainingOptions()
            o.seed = seed
            let trained = try TrainingRecipe(options: o, hooks: .standard).train(train, hasTestSet: true)
            let report = try EvaluationReport(classifier: trained.classifier, data: test, source: "yeast-test")
            sums.0 += try #require(report.value("hamming_loss"))
            sums.1 += try #require(report.value("label_ranking_loss"))
            sums.2 += try #require(report.value("label_ranking_average_precision"))
        }
        let (hamming, rankingLoss, lrap) = (sums.0 / 3, sums.1 / 3, sums.2 / 3)
        print("yeast defaults, mean of 3 seeds: Hamming \(hamming), ranking loss \(rankingLoss), LRAP \(lrap)")
        #expect(hamming <= 0.195)
        #expect(rankingLoss <= 0.165)
        #expect(lrap >= 0.765)
    }
}

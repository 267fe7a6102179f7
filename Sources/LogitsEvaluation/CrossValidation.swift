import Foundation
import Logits

/// K-fold cross-validation of a `TrainingRecipe`: the rows are split into `k` folds
/// (`Dataset.foldIndices`: stratified for classes, iterative stratification for labels,
/// deterministic per seed); each fold is held out once while the recipe trains on the others,
/// and the classifier's headline metrics on the held-out fold are collected.
public struct CrossValidation: Sendable {
    /// One fold's outcome.
    public struct Fold: Sendable {
        public var index: Int
        public var trainRows: Int
        public var testRows: Int
        /// Headline metrics on the held-out rows (`EvaluationReport.summary`), with the stored thresholds.
        public var metrics: [EvaluationReport.Headline]
        public var plan: TrainingPlan
    }

    public var folds: [Fold]

    /// Metric names in report order.
    public var metricNames: [String] { folds.first?.metrics.map(\.name) ?? [] }

    /// Mean and sample standard deviation (n − 1) of `name` over the folds where it is defined.
    public func summary(_ name: String) -> (mean: Double, std: Double)? {
        let v = folds.compactMap { f in f.metrics.first { $0.name == name }?.value }.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.count > 1 ? v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1) : 0
        return (mean, variance.squareRoot())
    }

    /// Runs `k`-fold cross-validation of `recipe` on `data` (folds seeded with `seed`).
    /// - Parameter onFold: called before each fold is trained (`index`, `k`).
    /// - Throws: `LogitsError.invalidValue` for `k < 2` or more folds than rows; training errors.
    public static func run(_ recipe: TrainingRecipe, data: Dataset, k: Int, seed: UInt64,
                           onFold: ((Int, Int) -> Void)? = nil) throws -> CrossValidation {
        guard k >= 2 else { throw LogitsError.invalidValue("cross-validation needs at least 2 folds (got \(k))") }
        guard k <= data.count else { throw LogitsError.invalidValue("\(k) folds for \(data.count) rows") }
        let splits = try data.foldSplits(k: k, seed: seed)
        var folds: [Fold] = []
        for (i, split) in splits.enumerated() {
            onFold?(i + 1, k)
            let trained = try recipe.train(data.subset(rows: split.train), hasTestSet: true)
            let report = try EvaluationReport(classifier: trained.classifier, data: data.subset(rows: split.test),
                                              source: "fold \(i + 1)")
            folds.append(Fold(index: i + 1, trainRows: split.train.count, testRows: split.test.count,
                              metrics: report.summary, plan: trained.plan))
        }
        return CrossValidation(folds: folds)
    }
}

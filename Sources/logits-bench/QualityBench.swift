import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

/// `logits-bench train --quality`: test-set quality of `logits train`'s defaults — the library's
/// `TrainingRecipe` with `EvaluationHooks.standard`, exactly what the CLI runs — over several seeds.
extension TrainBench {
    /// The recipe options: the defaults, with this command's overrides.
    func recipeOptions(seed: UInt64) throws -> TrainingOptions {
        var o = TrainingOptions()
        o.seed = seed
        o.hidden = hidden.map { $0.split(separator: ",").compactMap { Int($0) } }
        o.dropout = dropout
        if let lr { o.learningRate = lr }
        o.weightDecay = weightDecay
        o.batchSize = batch
        o.validationFraction = valFraction
        o.patience = patience
        o.epochs = epochs
        if let a = activation { o.activation = Activation(name: a == "leaky" ? "leaky-relu" : a) ?? .relu }
        if let l = loss { o.loss = try LossKind.parse(l) }
        o.cosineSchedule = schedule.map { $0 == "cosine" }
        if refit { o.refit = true }
        if noRefit { o.refit = false }
        return o
    }

    /// One row of metrics per seed, then their mean (`"seed": -1`).
    func runQuality(_ p: Preset, root: String) throws -> [[String: Double]] {
        let (train, test) = try Self.datasets(p, root: root)
        var rows: [[String: Double]] = []
        var lastPlan: TrainingPlan?
        for seedText in seeds.split(separator: ",") {
            guard let seed = UInt64(seedText) else { throw ValidationError("bad seed '\(seedText)'") }
            let recipe = TrainingRecipe(options: try recipeOptions(seed: seed), hooks: .standard)
            let start = DispatchTime.now().uptimeNanoseconds
            let trained = try recipe.train(train, hasTestSet: true)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lastPlan = trained.plan
            var row = try Self.metrics(trained.classifier, test)
            row["seed"] = Double(seed)
            row["best_epoch"] = Double(trained.result.bestEpoch)
            row["epochs_run"] = Double(trained.result.history.count)
            row["weight_decay"] = Double(trained.plan.weightDecay)
            row["dropout"] = Double(trained.plan.dropout)
            row["seconds"] = seconds
            rows.append(row)
            if !json {
                print("\(p.name) seed \(seed): " + row.keys.sorted().map { "\($0) \(String(format: "%.4f", row[$0]!))" }.joined(separator: ", "))
            }
        }
        var mean: [String: Double] = ["seed": -1]
        for k in rows[0].keys where k != "seed" { mean[k] = rows.map { $0[k]! }.reduce(0, +) / Double(rows.count) }
        if !json {
            print("\(p.name) MEAN: " + mean.keys.sorted().filter { $0 != "seed" }.map { "\($0) \(String(format: "%.4f", mean[$0]!))" }.joined(separator: ", "))
            if let plan = lastPlan { print("  settings: " + plan.entries.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) }
        }
        rows.append(mean)
        return rows
    }

    /// The raw train and test sets of a preset (the recipe standardizes, as `logits train` does).
    static func datasets(_ p: Preset, root: String) throws -> (Dataset, Dataset) {
        let dir = root + "/" + p.name
        if p.name.contains("mnist") {
            return (try Dataset.load(from: dir + "/train-images-idx3-ubyte.gz"), try Dataset.load(from: dir + "/t10k-images-idx3-ubyte.gz"))
        }
        return (try Dataset.load(from: dir + "/\(p.name)-train.arff"), try Dataset.load(from: dir + "/\(p.name)-test.arff"))
    }

    /// Test metrics with the classifier's own decisions (its stored thresholds).
    static func metrics(_ classifier: Classifier, _ test: Dataset) throws -> [String: Double] {
        let report = try EvaluationReport(classifier: classifier, data: test, source: "test", k: 1)
        if classifier.isMultiClass { return ["accuracy": report.value("accuracy") ?? .nan] }
        var out: [String: Double] = [
            "hamming": report.value("hamming_loss") ?? .nan, "micro_f1": report.value("f1_micro") ?? .nan,
            "macro_f1": report.value("f1_macro") ?? .nan, "ranking_loss": report.value("label_ranking_loss") ?? .nan,
            "lrap": report.value("label_ranking_average_precision") ?? .nan,
        ]
        let aligned = try classifier.align(test, source: "test")
        let truth = try BinaryMatrix(targets: aligned.targets, outputs: classifier.outputCount)
        let scores = try ScoreMatrix(logits: try classifier.logits(aligned.featureMatrix))
        for k in [1, 3, 5] { out["p@\(k)"] = try RankingMetrics(truth: truth, scores: scores, k: k).precisionAtK }
        return out
    }
}

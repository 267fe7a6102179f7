import Foundation
import Testing
import Logits
import LogitsEvaluation

@Suite("TrainingRecipe")
struct TrainingRecipeTests {
    @Test("Defaults come from TrainingDefaults by size; explicit options are never overridden")
    func plan() throws {
        let small = try TrainingRecipe(hooks: .standard).plan(rows: 1500, task: .multiLabel(labels: 14), hasTestSet: true)
        let d = TrainingDefaults.recommended(rows: 1500)
        #expect(small.hidden == d.hidden && small.batchSize == d.batchSize && small.epochs == d.epochs)
        #expect(small.refit && small.tuneThresholds && small.patience == d.patience)
        #expect(small.candidates == TrainingDefaults.selectionGrid(rows: 1500))
        var o = TrainingOptions()
        o.weightDecay = 0.5
        o.refit = false
        o.tuneThresholds = false
        let fixed = try TrainingRecipe(options: o, hooks: .standard).plan(rows: 1500, task: .multiLabel(labels: 14), hasTestSet: true)
        #expect(fixed.weightDecay == 0.5 && !fixed.refit && !fixed.tuneThresholds)
        #expect(fixed.candidates.isEmpty)  // a fixed weight decay turns selection off
        let large = try TrainingRecipe(hooks: .standard).plan(rows: 60_000, task: .multiClass(classes: 10), hasTestSet: true)
        #expect(large.candidates.isEmpty && !large.refit && large.validationFraction == 0 && large.cosineSchedule)
    }

    @Test("Small data with a wide input (1 000-50 000 features) gets a 512-wide hidden layer; --hidden is kept")
    func widthFromInputWidth() throws {
        let task = ClassificationTask.multiLabel(labels: 159)
        let recipe = TrainingRecipe(hooks: .standard)
        #expect(try recipe.plan(rows: 350, task: task, hasTestSet: true, features: 1836).hidden == [512])
        #expect(try recipe.plan(rows: 350, task: task, hasTestSet: true, features: 1000).hidden == [512])
        #expect(try recipe.plan(rows: 1500, task: task, hasTestSet: true, features: 999).hidden == [256])
        #expect(try recipe.plan(rows: 1500, task: task, hasTestSet: true, features: 103).hidden == [256])
        #expect(try recipe.plan(rows: 1500, task: task, hasTestSet: true, features: 50_001).hidden == [256])
        #expect(try recipe.plan(rows: 1500, task: task, hasTestSet: true).hidden == [256])  // features unknown
        // The rule changes only the width: the selection grid and the rest stay the small-data ones.
        let wide = try recipe.plan(rows: 350, task: task, hasTestSet: true, features: 1836)
        let narrow = try recipe.plan(rows: 350, task: task, hasTestSet: true, features: 103)
        #expect(wide.candidates == narrow.candidates && wide.epochs == narrow.epochs && wide.batchSize == narrow.batchSize)
        // Large data keeps its two layers whatever the input width.
        #expect(try recipe.plan(rows: 60_000, task: .multiClass(classes: 10), hasTestSet: true, features: 1836).hidden == [512, 256])
        var o = TrainingOptions()
        o.hidden = [64]
        #expect(try TrainingRecipe(options: o, hooks: .standard).plan(rows: 350, task: task, hasTestSet: true, features: 1836).hidden == [64])
        // `train` passes the data's feature count: a 1 000-column set trains a 512-wide layer.
        let x = try Matrix((0..<30).map { r in (0..<1000).map { c in Float((r * 7 + c * 13) % 5) * 0.25 - 0.5 } })
        let y = try Matrix((0..<30).map { r in [r % 2 == 0 ? 1 : 0, r % 3 == 0 ? 1 : 0] })
        var quick = TrainingOptions()
        quick.epochs = 1
        quick.selectHyperparameters = false
        quick.validationFraction = 0
        let trained = try TrainingRecipe(options: quick, hooks: .standard).train(try Dataset(features: x, targets: .matrix(y)))
        #expect(trained.plan.hidden == [512] && trained.classifier.network.spec.hidden == [512])
    }

    @Test("The baseline verdict: the model beats the constant predictor on the loss or on the metric, else not")
    func baselineRule() {
        // Loss above the baseline's but a better ranking (bibtex-350's early-stopping model): beats it.
        let ranking = BaselineComparison(baselineLoss: 0.069, modelLoss: 0.110, metricName: "val_lrap",
                                         baselineMetric: 0.21, modelMetric: 0.45, metricHigherIsBetter: true)
        #expect(ranking.modelIsBetter && !ranking.beatsOnLoss && ranking.beatsOnMetric == true)
        // Worse on both: does not.
        let neither = BaselineComparison(baselineLoss: 0.069, modelLoss: 0.110, metricName: "val_lrap",
                                         baselineMetric: 0.45, modelMetric: 0.40, metricHigherIsBetter: true)
        #expect(!neither.modelIsBetter && neither.beatsOnMetric == false)
        // A tie on the metric is not a win.
        #expect(!BaselineComparison(baselineLoss: 1, modelLoss: 2, metricName: "val_accuracy", baselineMetric: 0.5,
                                    modelMetric: 0.5, metricHigherIsBetter: true).modelIsBetter)
        // Lower is better for a metric in min mode; no metric: the loss alone decides.
        #expect(BaselineComparison(baselineLoss: 1, modelLoss: 2, metricName: "m", baselineMetric: 0.5,
                                   modelMetric: 0.4, metricHigherIsBetter: false).modelIsBetter)
        #expect(!BaselineComparison(baselineLoss: 1, modelLoss: 2).modelIsBetter)
        #expect(BaselineComparison(baselineLoss: 2, modelLoss: 1).modelIsBetter)
        #expect(BaselineComparison(baselineLoss: 1, modelLoss: 2, metricName: "m", baselineMetric: .nan,
                                   modelMetric: 0.9, metricHigherIsBetter: true).beatsOnMetric == nil)
    }

    @Test("Labels independent of the features: the model does not beat the constant baseline, and the run says so")
    func baselineNotBeaten() throws {
        // Multi-class, classes drawn with prior 0.6 / 0.3 / 0.1 independently of pure-noise features:
        // nothing beats predicting the majority class, whose accuracy is its share of the validation rows.
        var rng = SeededGenerator(seed: 11)
        let rows = 300
        var xs: [[Float]] = [], ys: [Int] = []
        for _ in 0..<rows {
            xs.append((0..<20).map { _ in Float(rng.normal()) })
            let u = Double(rng.next() % 1000) / 1000
            ys.append(u < 0.6 ? 0 : u < 0.9 ? 1 : 2)
        }
        let data = try Dataset(features: try Matrix(xs), targets: .classIndices(ys))
        var o = TrainingOptions()
        o.hidden = [64]
        o.epochs = 40
        o.patience = 40
        o.learningRate = 0.01
        o.weightDecay = 0
        o.dropout = 0
        o.seed = 1
        let trained = try TrainingRecipe(options: o, hooks: .standard).train(data)
        let b = try #require(trained.baseline)
        let validation = try #require(trained.validation)
        guard case .classIndices(let vy) = validation.targets else { Issue.record("class targets expected"); return }
        // The constant predictor's accuracy: the majority training class (0) on the validation rows.
        let majorityShare = Double(vy.filter { $0 == 0 }.count) / Double(vy.count)
        #expect(b.metricName == "val_accuracy")
        #expect(abs((b.baselineMetric ?? -1) - majorityShare) < 1e-12)
        #expect(!b.modelIsBetter && !b.beatsOnLoss && b.beatsOnMetric == false)
    }

    @Test("Training is reproducible by seed and reports every candidate, the baseline and the choice")
    func reproducible() throws {
        var o = TrainingOptions()
        o.hidden = [8]
        o.epochs = 15
        o.learningRate = 0.01
        o.seed = 4
        let data = try syntheticMultiLabel(rows: 240, seed: 2)
        var refits: [TrainingEvent] = []
        let a = try TrainingRecipe(options: o, hooks: .standard).train(data, hasTestSet: true) { event in
            if case .training(let e) = event, case .refit = e { refits.append(e) }
        }
        let b = try TrainingRecipe(options: o, hooks: .standard).train(data, hasTestSet: true)
        #expect(refits == [.refit(epochs: a.result.bestEpoch, rows: data.count)])
        #expect(try a.classifier.logits(data.features) == b.classifier.logits(data.features))
        #expect(a.selection.count == TrainingDefaults.selectionGrid(rows: 240).count)
        #expect(a.selection.filter(\.chosen).count == 1)
        let chosen = try #require(a.selection.first { $0.chosen })
        #expect(a.selection.allSatisfy { $0.score >= chosen.score })  // validation loss: lowest wins
        #expect(a.plan.weightDecay == chosen.candidate.weightDecay)
        let baseline = try #require(a.baseline)
        #expect(baseline.modelIsBetter && baseline.beatsOnLoss && baseline.beatsOnMetric == true)
        #expect(baseline.metricName == "val_lrap" && baseline.metricHigherIsBetter == true)
        #expect(a.result.refitHistory?.count == a.result.bestEpoch)
    }

    @Test("Pixel-like columns (one shared range) get one mean and std by default; --shared-range per-column gives each its own")
    func sharedRangeScaling() throws {
        // Three [0, 1] columns with different spreads, and one column in its own units.
        let rows = 40
        let x = try Matrix((0..<rows).map { (r: Int) -> [Float] in
            let p0: Float = r % 10 == 0 ? 1 : Float(r % 3) * 0.05
            let p1: Float = Float(r % 7) / 6
            let p2: Float = r == 0 ? 1 : (r == 1 ? 0 : 0.5)
            return [p0, p1, p2, Float(r) * 0.37 - 3]
        })
        let data = try Dataset(features: x, targets: .classIndices((0..<rows).map { $0 % 2 }),
                               featureNames: ["p0", "p1", "p2", "real"], labelNames: ["a", "b"])
        var o = TrainingOptions()
        o.hidden = [4]
        o.epochs = 1
        o.selectHyperparameters = false
        o.validationFraction = 0
        let common = try #require(try TrainingRecipe(options: o, hooks: .standard).train(data).classifier.standardizer)
        #expect(common.mean[0] == common.mean[1] && common.mean[1] == common.mean[2])
        #expect(common.scale[0] == common.scale[1] && common.scale[1] == common.scale[2])
        #expect(common.mean[3] != common.mean[0])  // its own range: its own mean
        o.sharedRange = .standardDeviation
        let own = try #require(try TrainingRecipe(options: o, hooks: .standard).train(data).classifier.standardizer)
        #expect(own.mean[0] != own.mean[1] && own.scale[0] != own.scale[1])
        #expect(own.mean[3] == common.mean[3])
    }

    @Test("{0,1} columns are x - p by default; a binary scaling the user sets is used as given; both are in the plan")
    func binaryScaling() throws {
        // Features: a binary column (mean 0.25), a count column and a continuous one.
        let rows = 40
        let x = try Matrix((0..<rows).map { r in [r % 4 == 0 ? 1 : 0, Float(r % 5), Float(r) * 0.37 - 3] })
        let y = try Matrix((0..<rows).map { r in [r % 4 == 0 ? 1 : 0, r % 3 == 0 ? 1 : 0] })
        let data = try Dataset(features: x, targets: .matrix(y), featureNames: ["bin", "count", "real"], labelNames: ["p", "q"])
        var o = TrainingOptions()
        o.hidden = [4]
        o.epochs = 2
        o.selectHyperparameters = false
        o.validationFraction = 0
        let byDefault = try TrainingRecipe(options: o, hooks: .standard).train(data)
        #expect(byDefault.plan.binaryScaling == .centredOnly)
        #expect(byDefault.plan.entries.contains { $0 == ("binary_scaling", "centred-only") })
        let s = try #require(byDefault.classifier.standardizer)
        #expect(abs(s.mean[0] - 0.25) < 1e-7 && s.scale[0] == 1)  // x - p
        #expect(s.mean[1] == 0)  // counts: not centred
        o.binaryScaling = .maxAbs
        let given = try TrainingRecipe(options: o, hooks: .standard).train(data)
        #expect(given.plan.binaryScaling == .maxAbs)
        let g = try #require(given.classifier.standardizer)
        #expect(g.mean[0] == 0 && g.scale[0] == 1 && g.mean[2] == s.mean[2] && g.scale[2] == s.scale[2])
        o.binaryScaling = .centredStandardDeviation
        let standardized = try #require(try TrainingRecipe(options: o, hooks: .standard).train(data).classifier.standardizer)
        #expect(abs(standardized.scale[0] - Float((0.25 * 0.75).squareRoot())) < 1e-6)  // sqrt(p (1 - p))
        o.standardize = false
        #expect(try TrainingRecipe(options: o, hooks: .standard).plan(rows: rows, task: data.task, hasTestSet: false)
            .entries.contains { $0 == ("binary_scaling", "none") })

        // Sparse (CSR) features: the same rule (x - p for binary columns), applied in the first layer;
        // the stored values are only divided, continuous columns never centred; the same model as dense.
        o.standardize = true
        o.binaryScaling = nil
        let csr = try Dataset(sparseFeatures: try SparseMatrix(dense: x), targets: .matrix(y),
                              featureNames: ["bin", "count", "real"], labelNames: ["p", "q"])
        let sparse = try TrainingRecipe(options: o, hooks: .standard).train(csr)
        #expect(sparse.plan.binaryScaling == .centredOnly)
        let ss = try #require(sparse.classifier.standardizer)
        #expect(abs(ss.mean[0] - 0.25) < 1e-7 && ss.scale[0] == 1 && ss.mean[1] == 0 && ss.mean[2] == 0)
        #expect(ss.sparseInputShift?[0] == ss.mean[0])
        #expect(sparse.preprocessing.contains { $0.contains("first layer") })
        for centring in [FeatureScaling.UncenteredScale.centredOnly, .centredStandardDeviation, .maxAbs, .standardDeviation] {
            o.binaryScaling = centring
            let a = try TrainingRecipe(options: o, hooks: .standard).train(csr)
            #expect(a.plan.binaryScaling == centring)
        }
    }

    @Test("The constant baseline predicts the training base rates")
    func baseline() throws {
        let z = ConstantBaseline.logits(of: .matrix(try Matrix([[1, 0], [1, 0], [0, 0], [1, 1]])), outputs: 2)
        #expect(abs(Double(z[0]) - log(3.5 / 1.5)) < 1e-6)
        let c = ConstantBaseline.logits(of: .classIndices([0, 0, 1]), outputs: 2)
        #expect(abs(Double(c[0]) - log(2.5 / 4)) < 1e-6)
    }
}

@Suite("Missing labels in training")
struct MaskedTrainingTests {
    @Test("A mask of all ones trains the same model as no mask; masked entries do not move the model")
    func maskedTraining() throws {
        var o = TrainingOptions()
        o.hidden = [4]
        o.epochs = 3
        o.selectHyperparameters = false
        let data = try syntheticMultiLabel(rows: 120, seed: 6)
        let plain = try TrainingRecipe(options: o, hooks: .standard).train(data)
        var ones = data
        var m = Matrix(rows: data.count, cols: 3)
        m.fill(1)
        ones.labelMask = m
        let masked = try TrainingRecipe(options: o, hooks: .standard).train(ones)
        // Same model up to summation order (the masked path sums per element in Double).
        let d1 = zip(try plain.classifier.logits(data.features).storage, try masked.classifier.logits(data.features).storage)
        #expect(d1.allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) })
        // Label z entirely missing: flipping its (meaningless) targets changes nothing.
        var missing = ones, flipped = ones
        for r in 0..<data.count { missing.labelMask?[r, 2] = 0; flipped.labelMask?[r, 2] = 0 }
        guard case .matrix(var y) = flipped.targets else { Issue.record("label matrix expected"); return }
        for r in 0..<y.rows { y[r, 2] = 1 - y[r, 2] }
        flipped.targets = .matrix(y)
        o.tuneThresholds = false
        o.validationFraction = 0  // the stratified split looks at the targets
        let a = try TrainingRecipe(options: o, hooks: .standard).train(missing)
        let b = try TrainingRecipe(options: o, hooks: .standard).train(flipped)
        #expect(try a.classifier.logits(data.features) == b.classifier.logits(data.features))
    }
}

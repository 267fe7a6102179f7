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
        #expect(baseline.modelIsBetter)
        #expect(a.result.refitHistory?.count == a.result.bestEpoch)
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

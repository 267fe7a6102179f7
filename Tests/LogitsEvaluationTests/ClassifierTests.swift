import Foundation
import Testing
import Logits
import LogitsEvaluation
import LogitsMetrics

/// A small synthetic multi-label set: label j depends on features.
func syntheticMultiLabel(rows: Int, seed: UInt64) throws -> Dataset {
    var rng = SeededGenerator(seed: seed)
    var xs: [[Float]] = [], ys: [[Float]] = []
    for _ in 0..<rows {
        let r = (0..<6).map { _ in Float(rng.normal()) }
        xs.append(r)
        ys.append([r[0] > 0 ? 1 : 0, r[1] + r[2] > 0.5 ? 1 : 0, r[3] < -1 ? 1 : 0])
    }
    return try Dataset(features: try Matrix(xs), targets: .matrix(try Matrix(ys)),
                       featureNames: ["a", "b", "c", "d", "e", "f"], labelNames: ["x", "y", "z"])
}

@Suite("Classifier")
struct ClassifierTests {
    func trained() throws -> Classifier {
        var o = TrainingOptions()
        o.hidden = [8]
        o.epochs = 5
        o.validationFraction = 0.2
        o.selectHyperparameters = false
        return try TrainingRecipe(options: o, hooks: .standard).train(try syntheticMultiLabel(rows: 200, seed: 1)).classifier
    }

    @Test("Write and read give the same logits, names, thresholds and standardization")
    func roundTrip() throws {
        let c = try trained()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("classifier-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try c.write(to: url)
        let back = try Classifier.read(from: url)
        let x = try syntheticMultiLabel(rows: 30, seed: 9).features
        #expect(try back.logits(x) == c.logits(x))
        #expect(back.labelNames == c.labelNames && back.featureNames == c.featureNames)
        #expect(back.logitThresholds == c.logitThresholds)
        #expect(back.standardizer == c.standardizer)
    }

    @Test("align matches feature columns by name in any order, and rejects missing, unknown and duplicate names")
    func alignByName() throws {
        let c = try trained()
        let data = try syntheticMultiLabel(rows: 40, seed: 3)
        let order = [5, 2, 0, 4, 1, 3]
        let permuted = try Dataset(features: data.features.gatherColumns(order), targets: data.targets,
                                   featureNames: order.map { data.featureNames[$0] }, labelNames: data.labelNames)
        let aligned = try c.align(permuted, source: "permuted.csv")
        #expect(try c.logits(aligned.features) == c.logits(data.features))
        var names = permuted.featureNames
        names[0] = "zzz"
        let bad = try Dataset(features: permuted.features, targets: permuted.targets, featureNames: names, labelNames: data.labelNames)
        do {
            _ = try c.align(bad, source: "bad.csv")
            Issue.record("a wrong column name must be an error")
        } catch {
            let text = "\(error)"
            #expect(text.contains("bad.csv") && text.contains("missing feature(s) f") && text.contains("unknown column(s) zzz"))
        }
        names[0] = "a"
        let dup = try Dataset(features: permuted.features, targets: permuted.targets, featureNames: names, labelNames: data.labelNames)
        #expect(throws: LogitsError.self) { try c.align(dup, source: "dup.csv") }
    }

    @Test("One decision rule: z > t on the logit, stored thresholds by default, override by probability")
    func decisions() throws {
        let net = try MLP(spec: MLPSpec(inputs: 2, hidden: [], outputs: 2), seed: 0)
        let c = try Classifier(network: net, task: .multiLabel(labels: 2), labelNames: ["p", "q"], logitThresholds: [0.5, -1])
        let z = try Matrix([[0.5, -1], [0.6, -0.9], [1e-8, -2]])
        #expect(try c.decide(logits: z) == .matrix(try Matrix([[0, 0], [1, 1], [0, 0]])))
        #expect(try c.predictedIndices(logits: z, logitThresholds: [0]) == [[0], [0], [0]])
        #expect(try Classifier.logitThreshold(probability: 0.5) == 0)
        #expect(throws: LogitsError.self) { try Classifier.logitThreshold(probability: 1) }
        let mc = try Classifier(network: net, task: .multiClass(classes: 2), labelNames: ["p", "q"])
        #expect(try mc.predictedIndices(logits: z) == [[0], [0], [0]])
        #expect(mc.logitThresholds.isEmpty)
    }
}

@Suite("Evaluation bridge")
struct EvaluationBridgeTests {
    @Test("Multi-class curves rank by one-vs-rest log-odds: their AUC equals the report's (softmax) AUC")
    func curvesMatchEvaluate() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 300, c = 4
        var z = Matrix(rows: n, cols: c)
        var y = [Int]()
        for i in 0..<n {
            let k = Int(rng.next() % UInt64(c))
            y.append(k)
            for j in 0..<c { z[i, j] = Float(rng.normal()) * 2 + (j == k ? 1.5 : 0) }
        }
        let report = try MultiClassReport(truth: y, logits: try ScoreMatrix(logits: z), k: 1)
        let scores = try CurveScores.scores(logits: z, task: .multiClass(classes: c))
        for j in 0..<c {
            let t = y.map { $0 == j }
            let auc = try ROCCurve(truth: t, scores: scores.column(j)).auc
            #expect(abs((auc ?? .nan) - (report.rocAUCOvRPerClass[j] ?? .nan)) < 1e-12)
            let raw = try ROCCurve(truth: t, scores: try ScoreMatrix(logits: z).column(j)).auc
            _ = raw  // the raw logit generally differs: it ignores the other classes
        }
    }

    @Test("Tuned thresholds never add validation errors over the 0.5 cut, and an under-confident model's go down")
    func thresholdsAreConstrained() throws {
        var rng = SeededGenerator(seed: 11)
        let n = 200, l = 5
        var z = Matrix(rows: n, cols: l), y = Matrix(rows: n, cols: l)
        for i in 0..<n {
            for j in 0..<l {
                // Under-confident: the true log-odds are z + 1, so z > -1 is the error-minimising cut.
                z[i, j] = Float(1.5 * rng.normal() - 2)
                let p = 1 / (1 + exp(-(Double(z[i, j]) + 1)))
                y[i, j] = Double(rng.next() % 1_000_000) / 1_000_000 < p ? 1 : 0
            }
        }
        let t = try ThresholdTuner.perLabelF1(logits: z, targets: y)
        // Pooled over the labels: errors and F1 at the tuned cuts against z > 0.
        func pooled(_ cut: (Int) -> Double) -> (errors: Int, f1: Double) {
            var tp = 0, fp = 0, fn = 0
            for i in 0..<n {
                for j in 0..<l {
                    let p = Double(z[i, j]) > cut(j), a = y[i, j] != 0
                    if p && a { tp += 1 } else if p { fp += 1 } else if a { fn += 1 }
                }
            }
            return (fp + fn, Double(2 * tp) / Double(2 * tp + fp + fn))
        }
        let tuned = pooled { t[$0] }, untuned = pooled { _ in 0 }
        #expect(tuned.errors <= untuned.errors)
        #expect(tuned.f1 > untuned.f1)
        let g = try ThresholdTuner.globalCut(logits: z, targets: y, columns: Array(0..<l))
        #expect(g < 0)
        // Each label keeps g unless its own cut removes at least max(2, 1 % of 200) of its errors.
        for j in 0..<l where t[j] != g {
            func errors(_ cut: Double) -> Int { (0..<n).filter { (Double(z[$0, j]) > cut) != (y[$0, j] != 0) }.count }
            #expect(errors(t[j]) <= errors(g) - 2)
        }
    }

    @Test("The global cut stays exactly 0 when no cut does better than z > 0 without more errors")
    func globalCutKeepsZero() throws {
        // Perfectly separated at 0 with a wide gap: every other cut adds errors or decides the same.
        var z = Matrix(rows: 6, cols: 1), y = Matrix(rows: 6, cols: 1)
        for (r, v) in [-3, -2, -1, 1, 2, 3].enumerated() { z[r, 0] = Float(v); y[r, 0] = v > 0 ? 1 : 0 }
        #expect(try ThresholdTuner.globalCut(logits: z, targets: y, columns: [0]) == 0)
        #expect(try ThresholdTuner.globalCut(logits: z, targets: y, columns: []) == 0)
        // Wrong shapes or columns throw instead of trapping.
        #expect(throws: LogitsError.self) { try ThresholdTuner.globalCut(logits: Matrix(rows: 5, cols: 1), targets: y, columns: [0]) }
        #expect(throws: LogitsError.self) { try ThresholdTuner.globalCut(logits: z, targets: y, columns: [1]) }
        #expect(throws: LogitsError.self) { try ThresholdTuner.perLabelF1(logits: Matrix(rows: 6, cols: 2), targets: y) }
    }

    @Test("Rare labels get rate-matched thresholds (numpy quantile), frequent ones the constrained F1 cut")
    func rareLabelsAreRateMatched() throws {
        // numpy: np.quantile([0.3,-1.2,2.5,0,-0.7,1.1,-2,0.4], 1 - 2/8) = 0.575, 1 - 1/8 -> 1.275.
        let values: [Double] = [0.3, -1.2, 2.5, 0.0, -0.7, 1.1, -2.0, 0.4]
        #expect(abs(ThresholdTuner.rateMatched(sorted: values.sorted(), rate: 2.0 / 8) - 0.575) < 1e-12)
        #expect(abs(ThresholdTuner.rateMatched(sorted: values.sorted(), rate: 1.0 / 8) - 1.275) < 1e-12)
        #expect(ThresholdTuner.rateMatched(sorted: values.sorted(), rate: 0) == 3.5)

        // Label 0: 4 validation positives (tuned as perLabelF1 does); label 1: 1 validation positive
        // and 1 training positive among 8 rows in all -> the 1 - 2/8 quantile of its 8 logits;
        // label 2: no positive anywhere -> largest logit + 1.
        var z = Matrix(rows: 4, cols: 3), y = Matrix(rows: 4, cols: 3)
        var zt = Matrix(rows: 4, cols: 3), yt = Matrix(rows: 4, cols: 3)
        for r in 0..<4 {
            z[r, 0] = Float(r) - 2.5; y[r, 0] = 1
            z[r, 1] = Float(values[r]); zt[r, 1] = Float(values[4 + r])
            z[r, 2] = Float(r); zt[r, 2] = -Float(r)
        }
        y[2, 1] = 1
        yt[1, 1] = 1
        let t = try ThresholdTuner.perLabel(logits: z, targets: y, trainingLogits: zt, trainingTargets: yt)
        #expect(t[0] == (try ThresholdTuner.perLabelF1(logits: z, targets: y))[0])
        #expect(abs(t[1] - 0.575) < 1e-6)
        #expect(t[2] == 4)
        #expect(throws: LogitsError.self) {
            try ThresholdTuner.perLabel(logits: z, targets: y, trainingLogits: Matrix(rows: 4, cols: 2), trainingTargets: yt)
        }
    }

    @Test("Metric monitors throw instead of returning NaN")
    func monitorsThrow() throws {
        guard case .metric(_, _, let compute) = TrainingMonitors.metric(for: .multiClass(classes: 2)) else {
            Issue.record("expected a metric monitor"); return
        }
        #expect(throws: LogitsError.self) { try compute(Matrix(rows: 0, cols: 2), .classIndices([])) }
    }
}

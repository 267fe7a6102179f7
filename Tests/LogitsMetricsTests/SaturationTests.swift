import Foundation
import Testing
@testable import LogitsMetrics

/// The `softmax_saturation` case: float32 softmax probabilities collapse distinct logits into ties, so
/// their ROC curve has fewer points than the logits'; the diagnostic must flag it.
@Suite
struct SaturationTests {
    @Test func softmaxSaturationCaseReproduces() throws {
        let file = try #require(ReferenceMetricsTests.file)
        let c = try #require(file.cases.first { $0.params["task"]?.string == "saturation_demo" })
        let e = c.expected
        let logits = try ScoreMatrix(c.inputs["logits"]!.matrix)
        let cls = c.params["class"]?.int ?? 0
        let truth = c.inputs["y_true"]!.ints.map { $0 == cls }

        // Diagnostic on the logits alone.
        let diag = SaturationDiagnostic.softmax(logits: logits)
        let col = diag.columns[cls]
        #expect(col.distinctLogits == e["n_distinct_logits_class0_float32"]!.int)
        #expect(col.distinctExactRanking == e["n_distinct_log_odds_class0"]!.int)
        let wantDistinct = try #require(e["n_distinct_probabilities_class0_float32"]?.int)
        #expect(abs(col.distinctFloat32Probabilities - wantDistinct) <= 3, "float32 softmax distinct: \(col.distinctFloat32Probabilities) vs torch \(wantDistinct)")
        #expect(abs(col.probabilitiesEqualOne - e["n_probabilities_class0_equal_1"]!.int!) <= 2)
        #expect(abs(col.probabilitiesEqualZero - e["n_probabilities_class0_equal_0"]!.int!) <= 2)
        #expect(col.flagged)
        #expect(diag.warnings.contains { $0.hasPrefix("class \(cls):") })

        // Curves: logits vs our float32 probabilities — the collapse reproduces.
        let rocLogits = try ROCCurve(truth: truth, scores: logits.column(cls))
        let p32 = (0..<logits.rows).map { i in Double(SoftmaxMath.softmaxFloat32(logits.row(i).map { Float($0) })[cls]) }
        let rocP32 = try ROCCurve(truth: truth, scores: p32)
        #expect(rocLogits.fpr.count == e["roc_points_logits"]!.int)
        #expect(rocP32.fpr.count < rocLogits.fpr.count)
        #expect(abs(rocP32.fpr.count - e["roc_points_probabilities"]!.int!) <= 3)
        #expect(abs((rocP32.auc ?? .nan) - e["roc_auc_probabilities"]!.double!) < 0.01)
        #expect(rocP32.fpr.count == col.rocPointsFloat32Probabilities)

        // Exact reproduction from torch's float32 probabilities and from the logits.
        let torchP = c.expected["probabilities_class0_float32"]!.doubles
        let agree = zip(torchP, p32).filter { $0 == $1 }.count
        #expect(agree >= torchP.count * 9 / 10, "only \(agree) of \(torchP.count) float32 probabilities equal torch's")
        let rocTorch = try ROCCurve(truth: truth, scores: torchP)
        var problems = Reference.compare(rocTorch.fpr, e["roc_probabilities"]!["fpr"]!, path: "roc_probabilities.fpr")
        problems += Reference.compare(rocTorch.tpr, e["roc_probabilities"]!["tpr"]!, path: "roc_probabilities.tpr")
        problems += Reference.compare(rocLogits.fpr, e["roc_logits"]!["fpr"]!, path: "roc_logits.fpr")
        problems += Reference.compare(rocLogits.tpr, e["roc_logits"]!["tpr"]!, path: "roc_logits.tpr")
        problems += Reference.compare(.optional(rocTorch.auc), e["roc_auc_probabilities"]!, path: "roc_auc_probabilities")
        problems += Reference.compare(.optional(rocLogits.auc), e["roc_auc_logits"]!, path: "roc_auc_logits")
        #expect(rocTorch.fpr.count == e["roc_points_probabilities"]!.int)

        // Log-odds rank like p0 without rounding: all 200 distinct, the best AUC of the three.
        let logOdds = SoftmaxMath.logOdds(logits).column(cls)
        problems += Reference.compare(logOdds, e["log_odds_class0"]!, path: "log_odds_class0")
        let rocLogOdds = try ROCCurve(truth: truth, scores: logOdds)
        #expect(rocLogOdds.fpr.count == e["roc_points_log_odds"]!.int)
        problems += Reference.compare(.optional(rocLogOdds.auc), e["roc_auc_log_odds"]!, path: "roc_auc_log_odds")
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        // Float64 probabilities saturate later (exactly 1 above a margin of ~36.7): fewer ties than float32.
        let p64 = SoftmaxMath.softmax(logits).column(cls)
        let rocP64 = try ROCCurve(truth: truth, scores: p64)
        #expect(abs(rocP64.fpr.count - e["roc_points_probabilities_float64"]!.int!) <= 3)
        #expect(abs((rocP64.auc ?? .nan) - e["roc_auc_probabilities_float64"]!.double!) < 0.01)
        #expect(rocP32.fpr.count <= rocP64.fpr.count && rocP64.fpr.count <= rocLogOdds.fpr.count)
    }

    @Test func sigmoidSaturationFlaggedOnLargeLogits() throws {
        // Logits 17...40 all become exactly 1.0 in float32 sigmoid; the diagnostic reports the collapse.
        let values = (0..<100).map { Double($0) * 0.25 + 15 }
        let logits = try ScoreMatrix(rows: 100, cols: 1, values: values)
        let d = SaturationDiagnostic.sigmoid(logits: logits)
        #expect(d.columns[0].distinctLogits == 100)
        #expect(d.columns[0].distinctFloat32Probabilities < 20)
        #expect(d.columns[0].flagged)
        let mild = SaturationDiagnostic.sigmoid(logits: try ScoreMatrix(rows: 100, cols: 1, values: (0..<100).map { Double($0) * 0.05 - 2.5 }))
        #expect(!mild.columns[0].flagged)
        #expect(mild.warnings.isEmpty)
    }
}

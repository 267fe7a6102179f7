import Foundation
import Testing
@testable import LogitsMetrics

/// Every metric of every case of `Tests/Fixtures/reference/metrics.json` (scikit-learn 1.9.1), within 1e-9.
@Suite
struct ReferenceMetricsTests {
    static let file: ReferenceFile? = try? Reference.load()

    @Test func referenceLoads() throws {
        let f = try Reference.load()  // throws (fails) with the path when the fixture is missing
        #expect(f.cases.count >= 20)
        #expect(f.cases.contains { $0.params["task"]?.string == "multilabel" })
        #expect(f.cases.contains { $0.params["task"]?.string == "multiclass" })
    }

    @Test func multiLabelCasesMatchEveryKey() throws {
        let f = try #require(Self.file)
        var checked = 0
        for c in f.cases where c.params["task"]?.string == "multilabel" {
            let truth = try BinaryMatrix(c.inputs["y_true"]!.intMatrix)
            let scores = try ScoreMatrix(c.inputs["scores"]!.matrix)
            let threshold = try #require(c.params["threshold"]?.double)
            let k = try #require(c.params["k"]?.int)
            let report = try MultiLabelReport(truth: truth, scores: scores, rule: .global(threshold), k: k)
            #expect(try DecisionRule.global(threshold).decisions(scores).nestedRows == c.inputs["y_pred"]!.intMatrix, "\(c.name) y_pred")
            let json = report.json
            for key in c.expected.keys where key != "curves" {
                let problems = Reference.compare(json[key], c.expected[key]!, path: "\(c.name).\(key)")
                #expect(problems.isEmpty, "\(problems.prefix(5))")
                checked += 1
            }
            if let curves = c.expected["curves"] {
                for label in curves.keys {
                    let j = try #require(Int(label))
                    let truthJ = (0..<truth.rows).map { truth[$0, j] }
                    let counts = try BinaryCounts(truth: truthJ, scores: scores.column(j))
                    let want = curves[label]!
                    let roc = ROCCurve(counts: counts)
                    let rocDrop = ROCCurve(counts: counts, dropIntermediate: true)
                    let pr = PrecisionRecallCurve(counts: counts)
                    var problems: [String] = []
                    let p = "\(c.name).curves.\(label)"
                    problems += Reference.compare(roc.fpr, want["roc"]!["fpr"]!, path: "\(p).roc.fpr")
                    problems += Reference.compare(roc.tpr, want["roc"]!["tpr"]!, path: "\(p).roc.tpr")
                    problems += Reference.compare(roc.thresholds, want["roc"]!["thresholds"]!, path: "\(p).roc.thresholds")
                    problems += Reference.compare(rocDrop.fpr, want["roc_drop_intermediate"]!["fpr"]!, path: "\(p).drop.fpr")
                    problems += Reference.compare(rocDrop.tpr, want["roc_drop_intermediate"]!["tpr"]!, path: "\(p).drop.tpr")
                    problems += Reference.compare(rocDrop.thresholds, want["roc_drop_intermediate"]!["thresholds"]!, path: "\(p).drop.thr")
                    problems += Reference.compare(pr.precision, want["precision_recall"]!["precision"]!, path: "\(p).pr.precision")
                    problems += Reference.compare(pr.recall, want["precision_recall"]!["recall"]!, path: "\(p).pr.recall")
                    problems += Reference.compare(pr.thresholds, want["precision_recall"]!["thresholds"]!, path: "\(p).pr.thresholds")
                    problems += Reference.compare(.optional(counts.rocAUC), want["roc_auc"]!, path: "\(p).roc_auc")
                    problems += Reference.compare(.optional(roc.auc), want["roc_auc"]!, path: "\(p).roc.auc")
                    problems += Reference.compare(.number(counts.averagePrecision), want["average_precision"]!, path: "\(p).ap")
                    problems += Reference.compare(.number(pr.averagePrecision), want["average_precision"]!, path: "\(p).pr.ap")
                    #expect(problems.isEmpty, "\(problems.prefix(5))")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }

    @Test func multiClassCasesMatchEveryKey() throws {
        let f = try #require(Self.file)
        var checked = 0
        for c in f.cases where c.params["task"]?.string == "multiclass" {
            let truth = c.inputs["y_true"]!.ints
            let logits = try ScoreMatrix(c.inputs["scores"]!.matrix)
            let probabilities = try ScoreMatrix(c.inputs["probabilities"]!.matrix)
            let k = try #require(c.params["k"]?.int)
            let report = try MultiClassReport(truth: truth, logits: logits, probabilities: probabilities, k: k)
            #expect(report.predicted == c.inputs["y_pred"]!.ints, "\(c.name) y_pred")
            let json = report.json
            for key in c.expected.keys {
                let problems = Reference.compare(json[key], c.expected[key]!, path: "\(c.name).\(key)")
                #expect(problems.isEmpty, "\(problems.prefix(5))")
                checked += 1
            }
            // Metrics not tie-sensitive must also match from our own Double softmax of the logits.
            // (`top_k_accuracy_probabilities` only exists where softmax rounding makes ties: rounding-sensitive too.)
            let sensitive = Set(c.params["float_tie_sensitive_metrics"]?.array?.compactMap(\.string) ?? [])
                .union(["top_k_accuracy_probabilities"])
            let own = try MultiClassReport(truth: truth, logits: logits, k: k).json
            for key in c.expected.keys where !sensitive.contains(key) {
                let problems = Reference.compare(own[key], c.expected[key]!, path: "\(c.name).\(key) (own softmax)")
                #expect(problems.isEmpty, "\(problems.prefix(5))")
            }
        }
        #expect(checked > 100)
    }
}

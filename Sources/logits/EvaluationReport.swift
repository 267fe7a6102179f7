import Foundation
import Logits
import LogitsMetrics

/// The metric report of a model's logits on a labelled data set (computed by `LogitsMetrics`):
/// every metric as JSON (scikit-learn-style names) plus terminal tables.
struct EvaluationReport {
    /// The full report (what `--json` prints).
    var json: MetricValue
    /// The headline metrics, in display order.
    var summary: [(name: String, value: Double?)]
    /// One row per class/label.
    var perLabel: TextTable

    /// Computes the report for `task`.
    /// - Parameters:
    ///   - logits: `N x outputs` logits.
    ///   - thresholds: multi-label decision thresholds on the logit scale (one, or one per label).
    ///   - k: the k of precision@k / top-k accuracy.
    init(task: ClassificationTask, logits: Matrix, targets: Targets, labelNames: [String],
         thresholds: [Double], k: Int) throws {
        let scores = try ScoreMatrix(rows: logits.rows, cols: logits.cols, floats: logits.storage)
        switch (task, targets) {
        case (.multiClass, .classIndices(let truth)):
            let r = try MultiClassReport(truth: truth, logits: scores, k: min(max(k, 1), logits.cols))
            json = r.json
            summary = [
                ("accuracy", r.accuracy), ("balanced_accuracy", r.balancedAccuracy), ("top_\(r.k)_accuracy", r.topKAccuracy),
                ("f1_macro", r.f1.macro), ("f1_weighted", r.f1.weighted), ("precision_macro", r.precision.macro),
                ("recall_macro", r.recall.macro), ("log_loss", r.logLossFromLogits ?? r.logLoss), ("brier_score", r.brierScore),
                ("expected_calibration_error", r.calibration.expectedCalibrationError),
                ("roc_auc_ovr_macro", r.rocAUCOvRMacro), ("roc_auc_ovo_macro", r.rocAUCOvOMacro),
            ]
            var table = TextTable(["class", "support", "precision", "recall", "f1", "roc_auc_ovr"])
            let support = r.confusionMatrix.map { $0.reduce(0, +) }
            for c in 0..<r.classes {
                table.add([c < labelNames.count ? labelNames[c] : String(c), String(support[c]),
                           fmt(r.precision.perClass[c]), fmt(r.recall.perClass[c]), fmt(r.f1.perClass[c]),
                           r.rocAUCOvRPerClass[c].map { fmt($0) } ?? "n/a"])
            }
            perLabel = table
        case (.multiLabel, .matrix(let y)), (.binary, .matrix(let y)):
            let truth = try BinaryMatrix(rows: y.rows, cols: y.cols, values: y.storage.map { $0 != 0 ? 1 : 0 })
            let rule: LogitsMetrics.DecisionRule = thresholds.count == 1 ? .global(thresholds[0]) : .perLabel(thresholds)
            let r = try MultiLabelReport(truth: truth, scores: scores, rule: rule, k: max(k, 1))
            json = r.json
            let d = r.decisions, rk = r.ranking, c = r.curves
            summary = [
                ("hamming_loss", d.hammingLoss), ("accuracy (exact match)", d.subsetAccuracy),
                ("f1_micro", d.f1.micro), ("f1_macro", d.f1.macro), ("f1_samples", d.f1Samples),
                ("jaccard_samples", d.jaccardSamples),
                ("label_ranking_loss", rk.rankingLoss), ("one_error", rk.oneError),
                ("coverage_error", rk.coverageError), ("coverage (Mulan: coverage_error - 1)", rk.coverageError - 1),
                ("label_ranking_average_precision", rk.labelRankingAveragePrecision),
                ("precision_at_\(rk.k)", rk.precisionAtK), ("ndcg_at_\(rk.k)", rk.ndcgAtK),
                ("roc_auc_micro", c.rocAUCMicro), ("roc_auc_macro", c.rocAUCMacro),
                ("average_precision_micro", c.averagePrecisionMicro), ("average_precision_macro", c.averagePrecisionMacro),
                ("brier_score", r.brierScore),
            ]
            var table = TextTable(["label", "support", "precision", "recall", "f1", "roc_auc", "avg_precision"])
            for j in 0..<r.labels {
                table.add([j < labelNames.count ? labelNames[j] : String(j), String(d.confusion[j].support),
                           fmt(d.precision.perClass[j]), fmt(d.recall.perClass[j]), fmt(d.f1.perClass[j]),
                           c.rocAUCPerLabel[j].map { fmt($0) } ?? "n/a", fmt(c.averagePrecisionPerLabel[j])])
            }
            perLabel = table
        default:
            throw UserError("the targets do not fit the task \(TaskDescription(task).kind)")
        }
    }

    /// The headline metrics as a two-column table.
    var summaryTable: TextTable {
        var t = TextTable(["metric", "value"])
        for (name, value) in summary { t.add([name, value.map { fmt($0) } ?? "n/a"]) }
        return t
    }

    /// Value of a headline metric by name.
    func value(_ name: String) -> Double? {
        summary.first { $0.name == name }?.value ?? nil
    }
}

/// A probability threshold as a logit threshold: `log(p / (1 - p))`.
func logitThreshold(probability p: Double) throws -> Double {
    guard p > 0, p < 1 else { throw UserError("threshold must be a probability strictly between 0 and 1, got \(p)") }
    return log(p / (1 - p))
}

/// The 0/1 multi-label targets of `targets` (class indices become one-hot rows).
func binaryTruth(_ targets: Targets, outputs: Int) throws -> BinaryMatrix {
    switch targets {
    case .matrix(let m):
        return try BinaryMatrix(rows: m.rows, cols: m.cols, values: m.storage.map { $0 != 0 ? 1 : 0 })
    case .classIndices(let y):
        var v = [UInt8](repeating: 0, count: y.count * outputs)
        for (i, c) in y.enumerated() where c >= 0 && c < outputs { v[i * outputs + c] = 1 }
        return try BinaryMatrix(rows: y.count, cols: outputs, values: v)
    }
}

extension MetricValue {
    /// `.object` with one more entry at the end.
    func appending(_ key: String, _ value: MetricValue) -> MetricValue {
        guard case .object(var entries) = self else { return self }
        entries.append(MetricEntry(key, value))
        return .object(entries)
    }
}

import Logits
import LogitsMetrics

/// The metric report of a classifier's logits on labelled rows, computed by `LogitsMetrics`:
/// every metric as JSON (scikit-learn-style names), the headline metrics, and one row per
/// class/label.
public struct EvaluationReport: Sendable {
    /// The full report (what `--json` prints).
    public var json: MetricValue
    /// The headline metrics, in display order.
    public var summary: [Headline]
    /// Column names of `perLabel` (after the name column).
    public var perLabelColumns: [String]
    /// One row per class/label: its name and `perLabelColumns.count` values (nil: undefined).
    public var perLabel: [(name: String, values: [Double?])]

    /// A headline metric.
    public struct Headline: Sendable {
        public var name: String
        public var value: Double?
    }

    /// Evaluates `classifier` on `data` (aligned to the classifier by name first), with the
    /// classifier's stored thresholds unless `logitThresholds` overrides them. A multi-label report
    /// adds PSP@1/3/5 and PSnDCG@1/3/5 when `propensity` (the training labels' model, in the
    /// classifier's label order) is given.
    public init(classifier: Classifier, data: Dataset, source: String, k: Int = 3, logitThresholds: [Double]? = nil,
                propensity: LabelPropensity? = nil) throws {
        let aligned = try classifier.align(data, source: source)
        try self.init(task: classifier.task, logits: try classifier.logits(aligned.featureMatrix), targets: aligned.targets,
                      labelNames: classifier.labelNames, logitThresholds: logitThresholds ?? classifier.logitThresholds, k: k,
                      mask: aligned.labelMask, propensity: propensity)
    }

    /// Computes the report from logits.
    /// - Parameters:
    ///   - logits: `N x C` logits.
    ///   - logitThresholds: multi-label decision thresholds on the logit (1 or `C` values; the
    ///     rule is `z_j > t_j`, the same as `Classifier.decide`). Ignored for multi-class.
    ///   - k: the k of precision@k / nDCG@k / top-k accuracy.
    ///   - mask: multi-label target mask (1 observed, 0 missing label); missing entries are skipped.
    ///   - propensity: multi-label only: the training labels' propensity model (`C` labels); adds
    ///     `psp_at_{1,3,5}` and `psndcg_at_{1,3,5}` to the JSON and the headlines. Ignored for multi-class.
    public init(task: ClassificationTask, logits: Matrix, targets: Targets, labelNames: [String],
                logitThresholds: [Double], k: Int, mask: Matrix? = nil, propensity: LabelPropensity? = nil) throws {
        let scores = try ScoreMatrix(logits: logits)
        func name(_ j: Int) -> String { j < labelNames.count ? labelNames[j] : String(j) }
        switch (task, targets) {
        case (.multiClass, .classIndices(let truth)):
            let r = try MultiClassReport(truth: truth, logits: scores, k: min(max(k, 1), logits.cols))
            json = r.json
            summary = [
                .init(name: "accuracy", value: r.accuracy), .init(name: "balanced_accuracy", value: r.balancedAccuracy),
                .init(name: "top_\(r.k)_accuracy", value: r.topKAccuracy), .init(name: "f1_macro", value: r.f1.macro),
                .init(name: "f1_weighted", value: r.f1.weighted), .init(name: "precision_macro", value: r.precision.macro),
                .init(name: "recall_macro", value: r.recall.macro), .init(name: "log_loss", value: r.logLossFromLogits ?? r.logLoss),
                .init(name: "brier_score", value: r.brierScore),
                .init(name: "expected_calibration_error", value: r.calibration.expectedCalibrationError),
                .init(name: "roc_auc_ovr_macro", value: r.rocAUCOvRMacro), .init(name: "roc_auc_ovo_macro", value: r.rocAUCOvOMacro),
            ]
            perLabelColumns = ["support", "precision", "recall", "f1", "roc_auc_ovr"]
            let support = r.confusionMatrix.map { $0.reduce(0, +) }
            perLabel = (0..<r.classes).map { c in
                (name(c), [Double(support[c]), r.precision.perClass[c], r.recall.perClass[c], r.f1.perClass[c], r.rocAUCOvRPerClass[c]])
            }
        case (.multiLabel, .matrix), (.binary, .matrix):
            let truth = try BinaryMatrix(targets: targets, outputs: logits.cols)
            let rule: LogitsMetrics.DecisionRule = logitThresholds.count == 1 ? .global(logitThresholds[0]) : .perLabel(logitThresholds)
            let observed = try mask.map { try BinaryMatrix(targets: .matrix($0), outputs: $0.cols) }
            let r = try MultiLabelReport(truth: truth, scores: scores, rule: rule, k: max(k, 1), mask: observed,
                                         propensity: propensity)
            json = r.json
            let d = r.decisions, rk = r.ranking, c = r.curves
            summary = [
                .init(name: "hamming_loss", value: d.hammingLoss), .init(name: "accuracy (exact match)", value: d.subsetAccuracy),
                .init(name: "f1_micro", value: d.f1.micro), .init(name: "f1_macro", value: d.f1.macro),
                .init(name: "f1_samples", value: d.f1Samples), .init(name: "jaccard_samples", value: d.jaccardSamples),
                .init(name: "label_ranking_loss", value: rk.rankingLoss), .init(name: "one_error", value: rk.oneError),
                .init(name: "coverage_error", value: rk.coverageError),
                .init(name: "coverage (Mulan: coverage_error - 1)", value: rk.coverageError - 1),
                .init(name: "label_ranking_average_precision", value: rk.labelRankingAveragePrecision),
                .init(name: "precision_at_\(rk.k)", value: rk.precisionAtK), .init(name: "ndcg_at_\(rk.k)", value: rk.ndcgAtK),
                .init(name: "roc_auc_micro", value: c.rocAUCMicro), .init(name: "roc_auc_macro", value: c.rocAUCMacro),
                .init(name: "average_precision_micro", value: c.averagePrecisionMicro),
                .init(name: "average_precision_macro", value: c.averagePrecisionMacro),
                .init(name: "brier_score", value: r.brierScore),
            ]
            if let p = r.propensityScored {
                summary += p.ks.enumerated().map { .init(name: "psp_at_\($1)", value: p.psPrecision[$0]) }
                summary += p.ks.enumerated().map { .init(name: "psndcg_at_\($1)", value: p.psNDCG[$0]) }
            }
            perLabelColumns = ["support", "precision", "recall", "f1", "roc_auc", "avg_precision"]
            perLabel = (0..<r.labels).map { j in
                (name(j), [Double(d.confusion[j].support), d.precision.perClass[j], d.recall.perClass[j], d.f1.perClass[j],
                           c.rocAUCPerLabel[j], c.averagePrecisionPerLabel[j]])
            }
        default:
            throw LogitsError.shapeMismatch("the targets do not fit the task \(task)")
        }
    }

    /// The value of a headline metric by name.
    public func value(_ name: String) -> Double? {
        summary.first { $0.name == name }?.value ?? nil
    }
}

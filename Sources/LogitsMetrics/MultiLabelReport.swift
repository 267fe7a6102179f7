/// The full multi-label evaluation of an N x L score matrix (logits by default) against 0/1 truth:
/// decision metrics at a threshold (or any `DecisionRule`), ranking metrics, per-label ROC AUC / AP,
/// Brier score and calibration of the sigmoid probabilities, and the float32-saturation diagnostic.
public struct MultiLabelReport: Sendable {
    public var samples: Int
    public var labels: Int
    /// The cut-off of precision@k and nDCG@k.
    public var k: Int
    /// The rule that produced the decisions (default: `scores > threshold`).
    public var rule: DecisionRule
    public var decisions: MultiLabelDecisionMetrics
    public var ranking: RankingMetrics
    public var curves: MultiLabelCurveMetrics
    /// Multi-label Brier score of the probabilities (`mean (p - y)²` over all cells).
    public var brierScore: Double
    /// Calibration of every cell's probability against its truth (15 bins).
    public var calibration: Calibration
    /// Labels with no positive / no negative sample.
    public var labelsWithoutPositives: [Int]
    public var labelsWithoutNegatives: [Int]
    /// Present when the scores are logits: what float32 sigmoid probabilities would lose.
    public var saturation: SaturationDiagnostic?
    /// PSP@k and PSnDCG@k for k = 1, 3, 5, present when a propensity model (the training set's label
    /// counts) was given.
    public var propensityScored: PropensityScoredMetrics?

    /// - Parameters:
    ///   - truth: N x L 0/1 matrix.
    ///   - scores: N x L scores; logits unless `scoresAreProbabilities`.
    ///   - rule: decision rule; default `.global(0)` for logits, `.global(0.5)` for probabilities.
    ///   - k: cut-off for precision@k and nDCG@k.
    ///   - scoresAreProbabilities: whether `scores` are probabilities rather than logits.
    ///   - mask: `N x L`, 1 = observed, 0 = missing label; every metric skips the missing entries
    ///     (`LabelMask.swift`). `nil`: all observed.
    ///   - propensity: the training set's propensity model (`L` labels); adds PSP@k and PSnDCG@k
    ///     for k = 1, 3, 5 (`PropensityScoredMetrics`). `nil`: left out.
    public init(truth: BinaryMatrix, scores: ScoreMatrix, rule: DecisionRule? = nil, k: Int = 3,
                scoresAreProbabilities: Bool = false, mask: BinaryMatrix? = nil,
                propensity: LabelPropensity? = nil) throws {
        guard truth.rows == scores.rows, truth.cols == scores.cols else {
            throw MetricsError.shapeMismatch("truth is \(truth.rows) x \(truth.cols), scores \(scores.rows) x \(scores.cols)")
        }
        samples = truth.rows
        labels = truth.cols
        self.k = k
        let rule = rule ?? .global(scoresAreProbabilities ? 0.5 : 0)
        self.rule = rule
        decisions = try MultiLabelDecisionMetrics(truth: truth, predicted: try rule.decisions(scores), mask: mask)
        ranking = try RankingMetrics(truth: truth, scores: scores, k: k, mask: mask)
        curves = try MultiLabelCurveMetrics(truth: truth, scores: scores, mask: mask)
        let probabilities = scoresAreProbabilities ? scores : try scores.mapped(SoftmaxMath.sigmoid)
        brierScore = try multiLabelBrierScore(truth: truth, probabilities: probabilities, mask: mask)
        calibration = try Calibration(truth: truth, probabilities: probabilities, mask: mask)
        let confusion = decisions.confusion
        labelsWithoutPositives = (0..<truth.cols).filter { confusion[$0].support == 0 }
        labelsWithoutNegatives = (0..<truth.cols).filter { confusion[$0].tn + confusion[$0].fp == 0 }
        let columns = curves.sigmoidSaturation
        saturation = scoresAreProbabilities ? nil : SaturationDiagnostic(
            columns: columns, warnings: columns.compactMap { SaturationDiagnostic.warning($0, kind: "sigmoid", label: "label") })
        propensityScored = try propensity.map {
            try PropensityScoredMetrics(truth: truth, scores: scores, propensity: $0, ks: [1, 3, 5], mask: mask)
        }
    }

    /// Every metric under its scikit-learn-style name (the keys of the reference `metrics.json`).
    public var json: MetricValue {
        let d = decisions, r = ranking, c = curves
        var e: [MetricEntry] = [
            MetricEntry("task", .string("multilabel")),
            MetricEntry("n_samples", .integer(samples)),
            MetricEntry("n_labels", .integer(labels)),
            MetricEntry("k", .integer(k)),
            MetricEntry("decision_rule", .string(rule.summary)),
            MetricEntry("hamming_loss", .number(d.hammingLoss)),
            MetricEntry("accuracy", .number(d.subsetAccuracy)),
            MetricEntry("jaccard_samples", .number(d.jaccardSamples)),
            MetricEntry("jaccard_micro", .number(d.jaccard.micro)),
            MetricEntry("jaccard_macro", .number(d.jaccard.macro)),
            MetricEntry("jaccard_weighted", .number(d.jaccard.weighted)),
        ]
        for (name, avg, samplesValue) in [("f1", d.f1, d.f1Samples), ("precision", d.precision, d.precisionSamples),
                                          ("recall", d.recall, d.recallSamples)] {
            e.append(MetricEntry("\(name)_micro", .number(avg.micro)))
            e.append(MetricEntry("\(name)_macro", .number(avg.macro)))
            e.append(MetricEntry("\(name)_weighted", .number(avg.weighted)))
            e.append(MetricEntry("\(name)_samples", .number(samplesValue)))
            e.append(MetricEntry("\(name)_per_class", .numbers(avg.perClass)))
        }
        e += [
            MetricEntry("label_ranking_loss", .number(r.rankingLoss)),
            MetricEntry("coverage_error", .number(r.coverageError)),
            MetricEntry("label_ranking_average_precision", .number(r.labelRankingAveragePrecision)),
            MetricEntry("roc_auc_per_label", .array(c.rocAUCPerLabel.map(MetricValue.optional))),
            MetricEntry("roc_auc_macro_skipped_labels", .integers(c.rocAUCSkippedLabels)),
            // scikit-learn returns NaN (not a skipped value) when the flattened problem has a single class.
            MetricEntry("roc_auc_micro", .number(c.rocAUCMicro ?? .nan)),
            MetricEntry("roc_auc_macro", .optional(c.rocAUCMacro)),
            MetricEntry("roc_auc_weighted", .optional(c.rocAUCWeighted)),
            MetricEntry("sklearn_roc_auc_macro_all_labels", .number(c.sklearnRocAUCMacroAllLabels)),
            MetricEntry("sklearn_roc_auc_weighted_all_labels", .number(c.sklearnRocAUCWeightedAllLabels)),
            MetricEntry("average_precision_micro", .number(c.averagePrecisionMicro)),
            MetricEntry("average_precision_macro", .number(c.averagePrecisionMacro)),
            MetricEntry("average_precision_weighted", .number(c.averagePrecisionWeighted)),
            MetricEntry("average_precision_per_label", .numbers(c.averagePrecisionPerLabel)),
            MetricEntry("ndcg_at_k", .number(r.ndcgAtK)),
            MetricEntry("ndcg", .number(r.ndcg)),
            MetricEntry("multilabel_confusion_matrix", .array(d.confusion.map { .matrix($0.matrix) })),
            MetricEntry("one_error", .number(r.oneError)),
            MetricEntry("one_error_skip_empty", .optional(r.oneErrorSkipEmpty)),
            MetricEntry("precision_at_k", .number(r.precisionAtK)),
            MetricEntry("n_samples_without_labels", .integer(r.samplesWithoutLabels)),
            MetricEntry("n_labels_without_positives", .integer(labelsWithoutPositives.count)),
            MetricEntry("n_labels_without_negatives", .integer(labelsWithoutNegatives.count)),
            MetricEntry("brier_score", .number(brierScore)),
            MetricEntry("expected_calibration_error", .number(calibration.expectedCalibrationError)),
            MetricEntry("maximum_calibration_error", .number(calibration.maximumCalibrationError)),
            MetricEntry("reliability_bins", calibration.reliabilityJSON),
        ]
        if let s = saturation {
            e.append(MetricEntry("saturation_flagged_labels", .integers(s.columns.filter(\.flagged).map(\.index))))
            e.append(MetricEntry("saturation_warnings", .array(s.warnings.map { .string($0) })))
        }
        if let p = propensityScored {
            e.append(MetricEntry("propensity_a", .number(p.a)))
            e.append(MetricEntry("propensity_b", .number(p.b)))
            e.append(MetricEntry("propensity_training_rows", .integer(p.trainingRows)))
            for (t, k) in p.ks.enumerated() { e.append(MetricEntry("psp_at_\(k)", .optional(p.psPrecision[t]))) }
            for (t, k) in p.ks.enumerated() { e.append(MetricEntry("psndcg_at_\(k)", .optional(p.psNDCG[t]))) }
        }
        return .object(e)
    }
}

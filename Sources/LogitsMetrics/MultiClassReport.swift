/// The full multi-class evaluation of N x C scores (logits by default) against class indices: accuracy
/// family, P/R/F1, log loss (exact from logits and scikit-learn's clipped one), Brier, calibration, ROC AUC
/// one-vs-rest (on probabilities, on raw logits, on log-odds) and one-vs-one, and the saturation diagnostic.
public struct MultiClassReport: Sendable {
    public var samples: Int
    public var classes: Int
    public var k: Int
    public var predicted: [Int]
    public var accuracy: Double
    public var balancedAccuracy: Double
    /// scikit-learn `top_k_accuracy_score` (ties: the higher class index ranks first).
    public var topKAccuracy: Double
    /// Top-k accuracy on the probabilities (differs from `topKAccuracy` only where softmax creates ties).
    public var topKAccuracyProbabilities: Double
    /// `[C][C]`, rows = true class.
    public var confusionMatrix: [[Int]]
    public var precision: Averages
    public var recall: Averages
    public var f1: Averages
    /// scikit-learn `log_loss` on the probabilities (clipped to [2.2e-16, 1 - 2.2e-16]).
    public var logLoss: Double
    /// Exact `mean(logsumexp(z) - z_y)` from the logits (nil when only probabilities were given).
    public var logLossFromLogits: Double?
    public var brierScore: Double
    /// Top-label calibration (15 bins).
    public var calibration: Calibration
    /// OvR ROC AUC per class on the probabilities; `nil` for a class absent from the truth.
    public var rocAUCOvRPerClass: [Double?]
    public var rocAUCOvRSkippedClasses: [Int]
    /// OvR on probabilities over the classes present (macro; weighted by class frequency).
    public var rocAUCOvRMacro: Double?
    public var rocAUCOvRWeighted: Double?
    /// scikit-learn's own multi-class OvR values: macro NaN when a class is absent, weighted finite.
    public var sklearnRocAUCOvRMacroAllClasses: Double
    public var sklearnRocAUCOvRWeightedAllClasses: Double
    /// OvR ranking class c by its raw logit `z_c` (a different score from p_c).
    public var rocAUCOvRLogitsMacro: Double?
    public var rocAUCOvRLogitsWeighted: Double?
    /// OvR ranking by the log-odds `z_c - logsumexp(z_{-c})` (same order as p_c, without rounding ties).
    public var rocAUCOvRLogOddsMacro: Double?
    public var rocAUCOvRLogOddsWeighted: Double?
    /// Hand & Till one-vs-one macro AUC over the classes present (scikit-learn `multi_class="ovo"`).
    public var rocAUCOvOMacro: Double?
    /// What float32 softmax probabilities would lose (present when logits were given).
    public var saturation: SaturationDiagnostic?

    /// - Parameters:
    ///   - truth: class index per sample (N), each in `0..<C`.
    ///   - logits: N x C logits, or nil when only probabilities are known.
    ///   - probabilities: N x C probabilities; default `softmax(logits)` in Double. Pass them to reproduce
    ///     values that depend on a specific rounding of the probabilities (scikit-learn's ties).
    ///   - k: the k of top-k accuracy.
    public init(truth: [Int], logits: ScoreMatrix?, probabilities: ScoreMatrix? = nil, k: Int = 2) throws {
        guard let reference = logits ?? probabilities else {
            throw MetricsError.empty("neither logits nor probabilities given")
        }
        if let logits, let probabilities, logits.rows != probabilities.rows || logits.cols != probabilities.cols {
            throw MetricsError.shapeMismatch("logits are \(logits.rows) x \(logits.cols), probabilities \(probabilities.rows) x \(probabilities.cols)")
        }
        guard reference.rows > 0 else { throw MetricsError.empty("no sample") }
        guard reference.cols >= 2 else { throw MetricsError.invalidValue("\(reference.cols) class column(s), expected at least 2") }
        try validateClassIndices(truth, classes: reference.cols, rows: reference.rows)
        let probs = probabilities ?? SoftmaxMath.softmax(reference)
        samples = reference.rows
        classes = reference.cols
        self.k = k
        predicted = MultiClassMetrics.argmax(reference)
        confusionMatrix = try MultiClassMetrics.confusionMatrix(truth: truth, predicted: predicted, classes: classes)
        let counts = MultiClassMetrics.perClassCounts(confusionMatrix)
        accuracy = Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(samples)
        balancedAccuracy = MultiClassMetrics.balancedAccuracy(confusionMatrix)
        topKAccuracy = try MultiClassMetrics.topKAccuracy(truth: truth, scores: reference, k: k)
        topKAccuracyProbabilities = try MultiClassMetrics.topKAccuracy(truth: truth, scores: probs, k: k)
        precision = averages(of: counts) { $0.precision }
        recall = averages(of: counts) { $0.recall }
        f1 = averages(of: counts) { $0.f1 }
        logLoss = try MultiClassMetrics.clippedLogLoss(truth: truth, probabilities: probs)
        logLossFromLogits = try logits.map { try MultiClassMetrics.logLossFromLogits(truth: truth, logits: $0) }
        brierScore = try MultiClassMetrics.brierScore(truth: truth, probabilities: probs)
        calibration = try Calibration(truth: truth, probabilities: probs)

        let support = counts.map { Double($0.support) }
        func summarize(_ aucs: [Double?]) -> (macro: Double?, weighted: Double?) {
            let kept = (0..<aucs.count).filter { aucs[$0] != nil }
            guard !kept.isEmpty else { return (nil, nil) }
            let v = kept.map { aucs[$0] ?? .nan }
            return (mean(v), weightedMean(v, weights: kept.map { support[$0] }))
        }
        let ovr = try MultiClassMetrics.ovrAUC(truth: truth, scores: probs)
        rocAUCOvRPerClass = ovr
        rocAUCOvRSkippedClasses = (0..<classes).filter { ovr[$0] == nil }
        (rocAUCOvRMacro, rocAUCOvRWeighted) = summarize(ovr)
        sklearnRocAUCOvRMacroAllClasses = rocAUCOvRSkippedClasses.isEmpty ? mean(ovr.map { $0 ?? .nan }) : .nan
        sklearnRocAUCOvRWeightedAllClasses = sklearnWeightedAverage(ovr.map { $0 ?? .nan }, weights: support)
        if let logits {
            (rocAUCOvRLogitsMacro, rocAUCOvRLogitsWeighted) = summarize(try MultiClassMetrics.ovrAUC(truth: truth, scores: logits))
            (rocAUCOvRLogOddsMacro, rocAUCOvRLogOddsWeighted) =
                summarize(try MultiClassMetrics.ovrAUC(truth: truth, scores: SoftmaxMath.logOdds(logits)))
            saturation = SaturationDiagnostic.softmax(logits: logits)
        } else {
            rocAUCOvRLogitsMacro = nil
            rocAUCOvRLogitsWeighted = nil
            rocAUCOvRLogOddsMacro = nil
            rocAUCOvRLogOddsWeighted = nil
            saturation = nil
        }
        rocAUCOvOMacro = try MultiClassMetrics.ovoAUCMacro(truth: truth, scores: probs)
    }

    /// Every metric under its scikit-learn-style name (the keys of the reference `metrics.json`).
    public var json: MetricValue {
        var e: [MetricEntry] = [
            MetricEntry("task", .string("multiclass")),
            MetricEntry("n_samples", .integer(samples)),
            MetricEntry("n_classes", .integer(classes)),
            MetricEntry("k", .integer(k)),
            MetricEntry("accuracy", .number(accuracy)),
            MetricEntry("balanced_accuracy", .number(balancedAccuracy)),
            MetricEntry("top_k_accuracy", .number(topKAccuracy)),
            MetricEntry("top_k_accuracy_probabilities", .number(topKAccuracyProbabilities)),
            MetricEntry("confusion_matrix", .matrix(confusionMatrix)),
        ]
        for (name, avg) in [("f1", f1), ("precision", precision), ("recall", recall)] {
            e.append(MetricEntry("\(name)_micro", .number(avg.micro)))
            e.append(MetricEntry("\(name)_macro", .number(avg.macro)))
            e.append(MetricEntry("\(name)_weighted", .number(avg.weighted)))
            e.append(MetricEntry("\(name)_per_class", .numbers(avg.perClass)))
        }
        e += [
            MetricEntry("log_loss", .number(logLoss)),
            MetricEntry("log_loss_from_logits", .optional(logLossFromLogits)),
            MetricEntry("brier_score", .number(brierScore)),
            MetricEntry("expected_calibration_error", .number(calibration.expectedCalibrationError)),
            MetricEntry("maximum_calibration_error", .number(calibration.maximumCalibrationError)),
            MetricEntry("reliability_bins", calibration.reliabilityJSON),
            MetricEntry("sklearn_roc_auc_ovr_macro_all_classes", .number(sklearnRocAUCOvRMacroAllClasses)),
            MetricEntry("sklearn_roc_auc_ovr_weighted_all_classes", .number(sklearnRocAUCOvRWeightedAllClasses)),
            MetricEntry("roc_auc_ovr_per_class", .numbers(rocAUCOvRPerClass.map { $0 ?? .nan })),
            MetricEntry("roc_auc_ovr_skipped_classes", .integers(rocAUCOvRSkippedClasses)),
            MetricEntry("roc_auc_ovr_macro", .optional(rocAUCOvRMacro)),
            MetricEntry("roc_auc_ovr_weighted", .optional(rocAUCOvRWeighted)),
            MetricEntry("roc_auc_ovr_logits_macro", .optional(rocAUCOvRLogitsMacro)),
            MetricEntry("roc_auc_ovr_logits_weighted", .optional(rocAUCOvRLogitsWeighted)),
            MetricEntry("roc_auc_ovr_log_odds_macro", .optional(rocAUCOvRLogOddsMacro)),
            MetricEntry("roc_auc_ovr_log_odds_weighted", .optional(rocAUCOvRLogOddsWeighted)),
            MetricEntry("roc_auc_ovo_macro", .optional(rocAUCOvOMacro)),
        ]
        if let s = saturation {
            e.append(MetricEntry("saturation_flagged_classes", .integers(s.columns.filter(\.flagged).map(\.index))))
            e.append(MetricEntry("saturation_warnings", .array(s.warnings.map { .string($0) })))
        }
        return .object(e)
    }
}

/// The metric-dependent parts of a training recipe, plugged in from outside the network library
/// (the `LogitsEvaluation` target supplies `EvaluationHooks.standard`, computed with
/// `LogitsMetrics`), so that `Logits` does not depend on the metrics library.
public struct EvaluationHooks: Sendable {
    /// The monitor for "early stopping on the metric": e.g. `val_lrap` (multi-label) or
    /// `val_accuracy` (multi-class). The closure it carries throws instead of returning NaN.
    public var metricMonitor: (@Sendable (ClassificationTask) -> Monitor)?
    /// Per-label logit thresholds (`C` values) tuned on validation logits `N x C` and 0/1 targets
    /// `N x C` (multi-label), with the same model's logits `M x C` on its `M` training rows and
    /// their targets (for labels too rare on the validation rows).
    public var thresholdTuner: ThresholdFunction?

    /// `(validationLogits, validationTargets, trainingLogits, trainingTargets) -> thresholds`.
    public typealias ThresholdFunction = @Sendable (_ logits: Matrix, _ targets: Matrix,
                                                 _ trainingLogits: Matrix, _ trainingTargets: Matrix) throws -> [Double]

    public init(metricMonitor: (@Sendable (ClassificationTask) -> Monitor)? = nil,
                thresholdTuner: ThresholdFunction? = nil) {
        self.metricMonitor = metricMonitor
        self.thresholdTuner = thresholdTuner
    }

    /// No metric monitor and no threshold tuning.
    public static let none = EvaluationHooks()
}

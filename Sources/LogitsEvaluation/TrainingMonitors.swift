import Logits
import LogitsMetrics

/// Early-stopping monitors computed with `LogitsMetrics`.
public enum TrainingMonitors {
    /// `val_accuracy` (multi-class: argmax accuracy) or `val_lrap` (multi-label: label ranking
    /// average precision), both to maximise, on the validation logits. A metric that cannot be
    /// computed throws (it never returns NaN, which would silently stop improvement).
    public static func metric(for task: ClassificationTask) -> Monitor {
        switch task {
        case .multiClass:
            return .metric(name: "val_accuracy", mode: .max) { logits, targets in
                guard case .classIndices(let y) = targets, !y.isEmpty else {
                    throw LogitsError.invalidValue("val_accuracy needs class-index targets and at least one validation row")
                }
                let predicted = Prediction.argmax(logits)
                return Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
            }
        case .multiLabel, .binary:
            return .metric(name: "val_lrap", mode: .max) { logits, targets in
                let truth = try BinaryMatrix(targets: targets, outputs: logits.cols)
                return try RankingMetrics(truth: truth, scores: try ScoreMatrix(logits: logits), k: 1).labelRankingAveragePrecision
            }
        }
    }
}

extension EvaluationHooks {
    /// The package's standard hooks: `TrainingMonitors.metric(for:)` and `ThresholdTuner.perLabel`.
    public static let standard = EvaluationHooks(
        metricMonitor: { TrainingMonitors.metric(for: $0) },
        thresholdTuner: { try ThresholdTuner.perLabel(logits: $0, targets: $1, trainingLogits: $2, trainingTargets: $3) })
}

import ArgumentParser
import Logits
import LogitsMetrics

/// `--activation`.
enum ActivationChoice: String, ExpressibleByArgument, CaseIterable {
    case relu, leakyRelu = "leaky-relu", gelu, geluTanh = "gelu-tanh", tanh, sigmoid

    var activation: Activation {
        switch self {
        case .relu: return .relu
        case .leakyRelu: return .leakyReLU(slope: 0.01)
        case .gelu: return .gelu
        case .geluTanh: return .geluTanh
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        }
    }
}

/// `--monitor`: what early stopping watches on the validation rows.
enum MonitorChoice: String, ExpressibleByArgument, CaseIterable {
    case loss, metric

    /// `val_loss`, or `val_lrap` (label ranking average precision, multi-label) / `val_accuracy`
    /// (multi-class), both computed on the validation logits.
    func monitor(for task: ClassificationTask) -> Monitor {
        switch (self, task) {
        case (.loss, _):
            return .validationLoss
        case (.metric, .multiClass):
            return .metric(name: "val_accuracy", mode: .max) { logits, targets in
                guard case .classIndices(let y) = targets, !y.isEmpty else { return .nan }
                let predicted = Prediction.argmax(logits)
                return Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
            }
        case (.metric, _):
            return .metric(name: "val_lrap", mode: .max) { logits, targets in
                guard case .matrix(let y) = targets,
                      let truth = try? BinaryMatrix(rows: y.rows, cols: y.cols, values: y.storage.map { $0 != 0 ? 1 : 0 }),
                      let scores = try? ScoreMatrix(rows: logits.rows, cols: logits.cols, floats: logits.storage),
                      let ranking = try? RankingMetrics(truth: truth, scores: scores, k: 1) else { return .nan }
                return ranking.labelRankingAveragePrecision
            }
        }
    }
}

/// `--optimizer`.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case adam, adamw, sgd
}

/// `--loss`: the output loss (`auto`: softmax cross-entropy for classes, sigmoid BCE for labels).
enum LossChoice: String, ExpressibleByArgument, CaseIterable {
    case auto
    case crossEntropy = "cross-entropy"
    case bce
    case focal
    case asymmetric
    case softMargin = "soft-margin"

    /// The loss for `task`, with `posWeight` for BCE.
    /// - Throws: `UserError` when the loss does not fit the task.
    func makeLoss(task: ClassificationTask, posWeight: [Float]?) throws -> any TrainingLoss {
        let multiClass: Bool
        if case .multiClass = task { multiClass = true } else { multiClass = false }
        switch self {
        case .auto:
            return multiClass ? SoftmaxCrossEntropy() : SigmoidBinaryCrossEntropy(posWeight: posWeight)
        case .crossEntropy:
            guard multiClass else { throw UserError("--loss cross-entropy needs a multi-class task (one class per row); use bce, focal, asymmetric or soft-margin for multi-label") }
            return SoftmaxCrossEntropy()
        case .bce, .focal, .asymmetric, .softMargin:
            guard !multiClass else { throw UserError("--loss \(rawValue) is a multi-label loss; a multi-class task takes cross-entropy") }
            switch self {
            case .focal: return SigmoidFocal()
            case .asymmetric: return Asymmetric()
            case .softMargin: return MultiLabelSoftMargin()
            default: return SigmoidBinaryCrossEntropy(posWeight: posWeight)
            }
        }
    }

    /// Display name for the report.
    func displayName(task: ClassificationTask) -> String {
        switch self {
        case .auto:
            if case .multiClass = task { return "softmax cross-entropy" }
            return "sigmoid binary cross-entropy"
        case .crossEntropy: return "softmax cross-entropy"
        case .bce: return "sigmoid binary cross-entropy"
        case .focal: return "sigmoid focal (alpha 0.25, gamma 2)"
        case .asymmetric: return "asymmetric (gamma+ 1, gamma- 4, clip 0.05)"
        case .softMargin: return "multi-label soft margin"
        }
    }
}

/// `--pos-weight auto`: per-label `negatives / positives` on the training rows (PyTorch's
/// suggestion for `BCEWithLogitsLoss(pos_weight=)`), 1 for a label without positives.
func automaticPositiveWeights(_ targets: Targets) -> [Float]? {
    guard case .matrix(let y) = targets, y.rows > 0 else { return nil }
    var positives = [Int](repeating: 0, count: y.cols)
    for r in 0..<y.rows { for c in 0..<y.cols where y[r, c] != 0 { positives[c] += 1 } }
    return positives.map { p in p == 0 ? 1 : Float(y.rows - p) / Float(p) }
}

/// A seeded random split of `0..<n` into training and validation rows (both sorted).
func validationSplit(rows n: Int, fraction: Double, seed: UInt64) throws -> (train: [Int], validation: [Int]) {
    let nVal = Int((Double(n) * fraction).rounded())
    guard nVal >= 1, nVal < n else {
        throw UserError("a validation fraction of \(fraction) of \(n) training rows leaves \(nVal) for validation and \(n - nVal) for training; both need at least 1 (use --validation 0 to train without)")
    }
    var rng = SeededGenerator(seed: seed ^ 0x7661_6C69_6461_7465)
    let order = rng.permutation(n)
    return (Array(order[nVal...]).sorted(), Array(order[..<nVal]).sorted())
}

/// Parses `--hidden 256,128` (`none` or empty: no hidden layer).
func parseHidden(_ text: String) throws -> [Int] {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.isEmpty || t == "none" { return [] }
    return try t.split(separator: ",").map { part in
        guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("--hidden takes comma-separated positive widths such as 256,128; got '\(text)'")
        }
        return n
    }
}

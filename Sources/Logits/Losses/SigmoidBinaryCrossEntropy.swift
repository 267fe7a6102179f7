import Foundation

/// Independent sigmoid + binary cross-entropy per label, on logits (= `torch.nn.BCEWithLogitsLoss`).
///
///     loss_ij = y softplus(-z) + (1 - y) softplus(z)      (= -[y log s(z) + (1-y) log(1 - s(z))])
///     d loss_ij / d z_ij = sigmoid(z) - y
///
/// Minimal version (mean over all B*C elements, or sum); weights and pos_weight are added by the
/// losses work.
public struct SigmoidBinaryCrossEntropy: TrainingLoss {
    public var reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    public func lossAndGradient(logits: Matrix, targets: Targets, gradient: inout Matrix) throws -> Float {
        guard case .matrix(let y) = targets else {
            throw LogitsError.invalidValue("SigmoidBinaryCrossEntropy expects a target matrix")
        }
        guard y.rows == logits.rows, y.cols == logits.cols else {
            throw LogitsError.shapeMismatch("targets \(y.rows)x\(y.cols) for logits \(logits.rows)x\(logits.cols)")
        }
        gradient.resize(rows: logits.rows, cols: logits.cols)
        let n = logits.count
        let scale: Float = reduction == .mean && n > 0 ? 1 / Float(n) : 1
        var total: Double = 0
        logits.withUnsafeBufferPointer { z in
            y.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for i in 0..<n {
                        total += Double(t[i] * softplus(-z[i]) + (1 - t[i]) * softplus(z[i]))
                        g[i] = (sigmoid(z[i]) - t[i]) * scale
                    }
                }
            }
        }
        return Float(reduction == .mean && n > 0 ? total / Double(n) : total)
    }
}

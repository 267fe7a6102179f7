import Foundation

/// Softmax cross-entropy on logits for mutually exclusive classes (= `torch.nn.CrossEntropyLoss`).
///
///     loss_i = -log softmax(z_i)[y_i] = logsumexp(z_i) - z_i[y_i]
///     d loss_i / d z_i = softmax(z_i) - onehot(y_i)
///
/// Minimal version (index targets, mean/sum); weights, ignore_index, label smoothing and
/// probability targets are added by the losses work.
public struct SoftmaxCrossEntropy: TrainingLoss {
    public var reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    public func lossAndGradient(logits: Matrix, targets: Targets, gradient: inout Matrix) throws -> Float {
        guard case .classIndices(let y) = targets else {
            throw LogitsError.invalidValue("SoftmaxCrossEntropy expects class indices")
        }
        let b = logits.rows, c = logits.cols
        guard y.count == b else {
            throw LogitsError.shapeMismatch("\(y.count) targets for \(b) rows of logits")
        }
        gradient.resize(rows: b, cols: c)
        let scale: Float = reduction == .mean && b > 0 ? 1 / Float(b) : 1
        var total: Double = 0
        try logits.withUnsafeBufferPointer { z in
            try gradient.withUnsafeMutableBufferPointer { g in
                for i in 0..<b {
                    let yi = y[i]
                    guard yi >= 0 && yi < c else {
                        throw LogitsError.invalidValue("class index \(yi) at row \(i) is outside 0..<\(c)")
                    }
                    let row = UnsafeBufferPointer(rebasing: z[(i * c)..<((i + 1) * c)])
                    let lse = logSumExp(row)
                    total += Double(lse - row[yi])
                    for j in 0..<c { g[i * c + j] = exp(row[j] - lse) * scale }
                    g[i * c + yi] -= scale
                }
            }
        }
        return Float(reduction == .mean && b > 0 ? total / Double(b) : total)
    }
}

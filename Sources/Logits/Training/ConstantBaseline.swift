import Foundation

/// The constant predictor every model must beat: the same logits for every row, from the training
/// targets' frequencies (Laplace-smoothed so that no logit is infinite).
///
/// - multi-label / binary: `z_j = log(p_j / (1 − p_j))`, `p_j = (positives_j + 0.5) / (N + 1)`;
/// - multi-class: `z_c = log p_c`, `p_c = (count_c + 0.5) / (N + C/2)` (softmax gives back `p`).
public enum ConstantBaseline {
    /// The `C` constant logits of `targets` (`N` rows, `C` outputs).
    public static func logits(of targets: Targets, outputs c: Int) -> [Float] {
        switch targets {
        case .classIndices(let y):
            var counts = [Double](repeating: 0, count: c)
            for k in y where k >= 0 && k < c { counts[k] += 1 }
            let total = Double(y.count) + Double(c) / 2
            return counts.map { Float(log(($0 + 0.5) / total)) }
        case .matrix(let m):
            var counts = [Double](repeating: 0, count: m.cols)
            for r in 0..<m.rows { for j in 0..<m.cols where m[r, j] != 0 { counts[j] += 1 } }
            return counts.map { pos in
                let p = (pos + 0.5) / (Double(m.rows) + 1)
                return Float(log(p) - log1p(-p))
            }
        }
    }

    /// The constant logits of `training` repeated on `rows` rows: a `rows x C` matrix.
    public static func logitMatrix(of training: Targets, outputs c: Int, rows: Int) -> Matrix {
        let z = logits(of: training, outputs: c)
        var m = Matrix(rows: rows, cols: c)
        for r in 0..<rows { for j in 0..<c { m[r, j] = z[j] } }
        return m
    }

    /// The loss of the constant logits of `training` on `validation` (rows `N_val`).
    /// - Parameters:
    ///   - loss: the training loss.
    ///   - training: the training targets (they give the constant logits).
    ///   - validation: the validation targets.
    ///   - c: the number of outputs.
    ///   - mask: the validation rows' target mask (missing labels add nothing), or `nil`.
    public static func loss(_ loss: any TrainingLoss, training: Targets, validation: Targets, outputs c: Int,
                            mask: Matrix? = nil) throws -> Double {
        let logits = logitMatrix(of: training, outputs: c, rows: validation.count)
        var gradient = Matrix(rows: 0, cols: 0)
        if let mask, let masked = loss as? any LossFunction {
            return Double(try masked.lossAndGradient(logits: logits, targets: validation, mask: mask, gradient: &gradient))
        }
        return Double(try loss.lossAndGradient(logits: logits, targets: validation, gradient: &gradient))
    }
}

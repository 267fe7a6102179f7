/// The targets of a batch (or a whole data set), row-aligned with the logits / features.
public enum Targets: Sendable, Equatable {
    /// One class index per row (mutually exclusive classes).
    case classIndices([Int])
    /// A `rows x C` matrix: 0/1 indicators (multi-label), soft targets in [0, 1], or probability rows.
    case matrix(Matrix)

    /// Number of rows (samples).
    public var count: Int {
        switch self {
        case .classIndices(let y): return y.count
        case .matrix(let m): return m.rows
        }
    }
}

/// How per-element / per-sample losses are reduced, exactly as PyTorch's `reduction`.
public enum Reduction: String, Sendable, CaseIterable {
    /// No reduction: the loss's natural per-sample or per-element shape.
    case none
    /// Mean (each loss documents its denominator, e.g. the summed weights of counted targets).
    case mean
    /// Plain sum.
    case sum
}

/// A loss fused with its output activation, as the training loop uses it: logits in, the reduced
/// loss out, and `d loss / d logits` written into a caller-owned buffer (no allocation when the
/// buffer already has the capacity).
public protocol TrainingLoss: Sendable {
    /// - Parameters:
    ///   - logits: `B x C` raw scores.
    ///   - targets: `B` class indices or a `B x C` target matrix, as the loss expects.
    ///   - gradient: resized to `B x C` and overwritten with the gradient of the returned value.
    /// - Returns: the loss under the loss's configured reduction (`mean` or `sum`).
    /// - Throws: `LogitsError` for shapes or target values the loss cannot take.
    func lossAndGradient(logits: Matrix, targets: Targets, gradient: inout Matrix) throws -> Float
}

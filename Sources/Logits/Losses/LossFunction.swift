/// The result of evaluating a loss with the allocating convenience API
/// (`LossFunction.compute(input:targets:)`).
public struct LossOutput: Sendable, Equatable {
    /// The unreduced losses, PyTorch's `reduction='none'` output: `B x 1` for losses that are per
    /// sample (softmax cross-entropy, NLL, multi-label soft margin), `B x C` for losses that are
    /// per element (sigmoid BCE, BCE, focal, asymmetric). Independent of the configured reduction.
    public var values: Matrix
    /// The loss under the configured reduction; for `.none`, the sum of `values`.
    public var loss: Float
    /// `d loss / d input` (`B x C`); for `.none`, the gradient of the sum of `values` (an upstream
    /// gradient of ones, as `loss.backward(torch.ones_like(loss))`).
    public var gradient: Matrix
}

/// A loss with a fused backward pass, configurable reduction and an allocating convenience API.
/// Every loss of the library conforms; `TrainingLoss` is the non-allocating subset the training
/// loop uses.
public protocol LossFunction: TrainingLoss {
    /// The reduction `lossAndGradient` and `compute` apply.
    var reduction: Reduction { get }
    /// Whether `reduction: .none` gives one value per sample (`[B]`) rather than per element (`[B][C]`).
    var valuesArePerSample: Bool { get }

    /// The fused forward/backward pass.
    /// - Parameters:
    ///   - input: `B x C` logits (or log-probabilities / probabilities, as the loss documents).
    ///   - targets: class indices or a `B x C` target matrix, as the loss documents.
    ///   - reduction: the reduction to apply (overrides the configured one).
    ///   - values: when non-nil on entry, replaced by the unreduced losses, row-major
    ///     (`B` or `B*C` of them); pass `nil` in hot loops (no allocation).
    ///   - gradient: resized to `B x C` and overwritten with `d loss / d input` of the reduced loss
    ///     (`.none`: of the sum of the values).
    /// - Returns: the reduced loss (`.none`: the sum), accumulated in `Double`.
    /// - Throws: `LogitsError` for invalid shapes, targets or options.
    func evaluate(
        input: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double

    /// The fused pass with a target mask `B x C` (1 = observed, 0 = missing label; `nil` = all
    /// observed): masked entries add nothing and the mean is over the observed entries (see
    /// `ElementwiseLoss` for the exact formulas). The elementwise (multi-label) losses implement
    /// it; the default accepts only `mask: nil`.
    /// - Throws: `LogitsError` as `evaluate(input:targets:reduction:values:gradient:)`, and for a
    ///   mask of the wrong shape, with an entry other than 0 or 1, or given to a loss without masks.
    func evaluate(
        input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double
}

extension LossFunction {
    /// The `TrainingLoss` hot path: the configured reduction, no allocation when `gradient`
    /// already has the capacity for `B x C`.
    public func lossAndGradient(logits: Matrix, targets: Targets, gradient: inout Matrix) throws -> Float {
        var none: [Float]? = nil
        return Float(try evaluate(input: logits, targets: targets, reduction: reduction, values: &none, gradient: &gradient))
    }

    /// Allocating convenience: unreduced values, reduced loss and gradient in one call.
    /// - Parameters:
    ///   - input: `B x C` logits (or log-probabilities / probabilities, as the loss documents).
    ///   - targets: class indices or a `B x C` target matrix, as the loss documents.
    ///   - reduction: overrides the configured reduction for this call.
    public func compute(input: Matrix, targets: Targets, reduction: Reduction? = nil) throws -> LossOutput {
        var values: [Float]? = []
        var gradient = Matrix(rows: input.rows, cols: input.cols)
        let loss = try evaluate(
            input: input, targets: targets, reduction: reduction ?? self.reduction, values: &values, gradient: &gradient)
        let v = values ?? []
        let valuesMatrix = try Matrix(
            rows: input.rows, cols: valuesArePerSample ? 1 : input.cols, storage: v)
        return LossOutput(values: valuesMatrix, loss: Float(loss), gradient: gradient)
    }
}

/// Per-element weights of the sigmoid-type losses, broadcast like PyTorch's `weight` tensor.
public enum ElementWeight: Sendable, Equatable {
    /// One weight per label/column (`[C]`, PyTorch shape `[C]`).
    case perLabel([Float])
    /// One weight per sample/row (`[B]`, PyTorch shape `[B, 1]`).
    case perSample([Float])
    /// One weight per element (`B x C`).
    case perElement(Matrix)
}

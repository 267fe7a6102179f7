/// One executable stage of a model: it reads its input, writes its output into a caller-owned
/// buffer, and in backward turns `d loss / d output` into `d loss / d input` and the gradients of
/// its parameters.
///
/// Buffers are owned by a `ModelWorkspace`, so the hot loop allocates nothing once the workspace has
/// reached its largest batch. Inputs are `B x inputCount`, outputs `B x outputCount`.
public protocol Layer: AnyObject {
    /// Features per input row.
    var inputCount: Int { get }
    /// Features per output row.
    var outputCount: Int { get }
    /// Trainable parameters (possibly none), in state-dict order.
    var parameters: [Parameter] { get }

    /// `y = layer(x)`. With `training == true` the layer may keep what backward needs (masks, row
    /// statistics); with `false` it keeps nothing (dropout is the identity).
    /// - Throws: `LogitsError.shapeMismatch` when `x.cols != inputCount`.
    func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws

    /// Backward of the last training forward: fills every parameter's `gradient` and, when
    /// `computeInputGradient`, writes `dx = d loss / d x` (`B x inputCount`). `dy` may be overwritten.
    func backward(
        input x: Matrix, output y: Matrix, outputGradient dy: inout Matrix,
        inputGradient dx: inout Matrix, computeInputGradient: Bool
    ) throws
}

extension Layer {
    @usableFromInline func checkInput(_ x: Matrix, _ what: String) throws {
        guard x.cols == inputCount else {
            throw LogitsError.shapeMismatch("\(what) expects \(inputCount) input features, got \(x.cols)")
        }
    }
}

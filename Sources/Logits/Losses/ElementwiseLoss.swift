/// The value and the derivative of one element of an elementwise loss.
public struct ElementLoss: Sendable, Equatable {
    /// `ℓ(x, y)`.
    public var value: Double
    /// `∂ℓ/∂x`.
    public var derivative: Double

    @inline(__always) public init(_ value: Double, _ derivative: Double) {
        self.value = value
        self.derivative = derivative
    }
}

/// A multi-label loss that is a sum of independent per-element terms `ℓ(x_ij, y'_ij)` (sigmoid BCE,
/// BCE on probabilities, focal, asymmetric, multi-label soft margin).
///
/// A conforming type states only its per-element value and derivative (`element`); validation,
/// label smoothing, the target mask, weights, `pos_weight`, the reduction and the loop are shared
/// (`ElementwiseDriver`). With input `x` (`B x C`), targets `y` (`B x C`, in [0, 1]), smoothing `ε`,
/// mask `m` (`B x C`, 1 = observed, 0 = missing; all ones when `nil`), broadcast weight `w` and
/// per-label positive weight `pw` (1 when the loss has none):
///
///     y'_ij   = y_ij (1 - ε) + ε / 2                                   (label smoothing)
///     none_ij = m_ij w_ij ℓ(x_ij, y'_ij; pw_j)                          (masked entries are exactly 0)
///     sum     = Σ_ij none_ij
///     mean    = sum / Σ_ij m_ij      (the number of observed entries; B·C without a mask)
///
/// The mean divides by the **count** of observed entries, never by the weights: with all-ones
/// mask it is PyTorch's `mean = sum / (B·C) whatever the weights`, and with a mask it equals
/// `torch.nn.functional.binary_cross_entropy_with_logits(x[m], y'[m], w[m], pw[m], reduction='mean')`
/// (boolean indexing of the broadcast tensors). No observed entry: `mean` is NaN (0/0, as PyTorch
/// on an empty tensor) and its gradient is all zeros. The gradient of `none` is that of the sum.
///
/// Losses whose values are per sample (`valuesArePerSample`, the soft margin) average each row
/// over its observed labels instead: `none_i = Σ_j m_ij w_j ℓ_ij / n_i` with `n_i = Σ_j m_ij`
/// (0 when `n_i = 0`), `sum = Σ_i none_i`, `mean = sum / #{i : n_i > 0}`.
///
/// Masked targets are not validated (a missing label may hold any placeholder, NaN included).
public protocol ElementwiseLoss: LossFunction {
    /// `ℓ(x, y)` and `∂ℓ/∂x` of one element before weighting, for the (smoothed) target `y` and
    /// the positive weight `posWeight` of its label (1 for losses without one).
    func element(_ x: Double, target y: Double, posWeight: Double) -> ElementLoss

    /// Label smoothing `ε` in [0, 1]: targets become `y (1 - ε) + ε / 2`.
    var labelSmoothing: Float { get }
    /// Weights broadcast to `B x C` (`nil`: all ones).
    var elementWeights: ElementWeight? { get }
    /// Per-label positive weights `[C]` (`nil`: all ones).
    var positiveWeights: [Float]? { get }
    /// Whether the input must be probabilities in [0, 1] rather than logits.
    var inputIsProbability: Bool { get }
    /// The loss's name in error messages (default: the type's name).
    static var lossName: String { get }
    /// Checks the loss's own hyper-parameters (e.g. `γ >= 0`).
    /// - Throws: `LogitsError.invalidValue` naming the parameter.
    func checkParameters() throws
}

extension ElementwiseLoss {
    public var elementWeights: ElementWeight? { nil }
    public var positiveWeights: [Float]? { nil }
    public var inputIsProbability: Bool { false }
    public func checkParameters() throws {}

    public static var lossName: String { String(describing: Self.self) }
    var lossName: String { Self.lossName }

    /// `LossFunction`'s unmasked pass: `evaluate(input:targets:mask: nil, ...)`.
    public func evaluate(
        input: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        try evaluate(input: input, targets: targets, mask: nil, reduction: reduction, values: &values, gradient: &gradient)
    }

    /// The shared masked pass, computed per element in `Double` (see the protocol's formulas).
    public func evaluate(
        input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let y = try ElementwiseDriver.validate(self, input: input, targets: targets, mask: mask, checkTargets: true)
        return ElementwiseDriver.run(self, input: input, targets: y, mask: mask, reduction: reduction, values: &values, gradient: &gradient)
    }
}

extension LossFunction {
    /// Default for the losses without masks: `mask` must be `nil`.
    public func evaluate(
        input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        guard mask == nil else {
            throw LogitsError.invalidValue("\(Self.self) does not take a target mask (only the multi-label losses do)")
        }
        return try evaluate(input: input, targets: targets, reduction: reduction, values: &values, gradient: &gradient)
    }

    /// The `TrainingLoss` hot path with a target mask (see `evaluate(input:targets:mask:...)`).
    public func lossAndGradient(logits: Matrix, targets: Targets, mask: Matrix?, gradient: inout Matrix) throws -> Float {
        var none: [Float]? = nil
        return Float(try evaluate(input: logits, targets: targets, mask: mask, reduction: reduction, values: &none, gradient: &gradient))
    }

    /// Allocating convenience with a target mask: unreduced values (masked entries 0), reduced loss, gradient.
    public func compute(input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction? = nil) throws -> LossOutput {
        var values: [Float]? = []
        var gradient = Matrix(rows: input.rows, cols: input.cols)
        let loss = try evaluate(
            input: input, targets: targets, mask: mask, reduction: reduction ?? self.reduction, values: &values, gradient: &gradient)
        let valuesMatrix = try Matrix(rows: input.rows, cols: valuesArePerSample ? 1 : input.cols, storage: values ?? [])
        return LossOutput(values: valuesMatrix, loss: Float(loss), gradient: gradient)
    }
}

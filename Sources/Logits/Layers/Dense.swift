/// A fully connected layer stored exactly like PyTorch's `nn.Linear`:
///
///     forward:  Y = X Wᵀ + b            X: B x in,  W: out x in,  b: out,  Y: B x out
///     backward: dW = dYᵀ X,  db = 1ᵀ dY (column sums),  dX = dY W
///
/// With a `fusedActivation` (one whose derivative follows from its output, e.g. ReLU), the layer
/// computes `Y = f(X Wᵀ + b)` with the bias add and the activation as the GEMM's epilogue (no
/// separate pass over `Y`), and its backward applies `dY ⊙ f'(Y)` in place in the same pass that
/// sums the bias gradient. The fused activation is still a separate
/// module for naming (it has no parameters).
///
/// **Weight layout.** `W` is stored `out x in` (PyTorch's layout, `weightLayout ==
/// .outputsByInputs`) except while a trainer runs the layer on sparse input: it then stores `Wᵀ`
/// (`in x out`, `.inputsByOutputs`), so that each stored value of a sparse batch reads or writes one
/// contiguous row of `out` weights (`Dense+SparseTransposed.swift`). The products are the same in
/// either layout; `Parameter.isStoredTransposed` tells readers of `weight.value`, and
/// `MLP.stateDict()` always gives PyTorch's layout.
public final class Dense: Layer {
    /// How `weight.value` (and its gradient) is stored.
    public enum WeightLayout: Sendable {
        /// `out x in`, PyTorch's `nn.Linear.weight`.
        case outputsByInputs
        /// `in x out`: `Wᵀ`, the layout of the sparse training kernels.
        case inputsByOutputs
    }
    public let inputCount: Int
    public let outputCount: Int
    /// `out x in` weight (`<index>.weight`).
    public let weight: Parameter
    /// `1 x out` bias (`<index>.bias`, PyTorch shape `[out]`).
    public let bias: Parameter
    /// Activation applied after the bias in the same pass, if any.
    public let fusedActivation: Activation?

    public var parameters: [Parameter] { [weight, bias] }
    /// How `weight.value` is stored now (see the type).
    public var weightLayout: WeightLayout { weight.isStoredTransposed ? .inputsByOutputs : .outputsByInputs }
    /// Which weight-gradient columns the last sparse backward wrote (`Dense+Sparse.swift`).
    let sparseState = DenseSparseState()

    /// A layer `inputs -> outputs` initialised by `initializer` from `rng`; parameters are named
    /// `<namePrefix>weight` / `<namePrefix>bias`.
    public init(
        inputs: Int, outputs: Int, initializer: Initializer, rng: inout SeededGenerator,
        namePrefix: String = "", fusedActivation: Activation? = nil
    ) {
        precondition(fusedActivation?.derivableFromOutput ?? true, "only output-derivable activations fuse")  // trap-ok: internal construction
        self.inputCount = inputs
        self.outputCount = outputs
        var w = Matrix(rows: outputs, cols: inputs)
        var b = Matrix(rows: 1, cols: outputs)
        initializer.initialize(weight: &w, bias: &b, rng: &rng)
        self.weight = Parameter(name: namePrefix + "weight", value: w, isVector: false)
        self.bias = Parameter(name: namePrefix + "bias", value: b, isVector: true)
        self.fusedActivation = fusedActivation
    }

    /// Stores `weight.value` in `layout` (a transpose when it changes; the gradient is zeroed in
    /// the new shape). Optimizer state kept across the change would no longer line up with the
    /// weights: change the layout between trainings only.
    public func setWeightLayout(_ layout: WeightLayout) {
        guard layout != weightLayout else { return }
        weight.value = weight.value.transposed()
        weight.gradient = Matrix(rows: weight.value.rows, cols: weight.value.cols)
        weight.isStoredTransposed = layout == .inputsByOutputs
        sparseState.written.removeAll()
        sparseState.stale.removeAll()
        sparseState.wholeGradientWritten = false
    }

    /// `op(W)` of the forward product `X op(W)`: `Wᵀ` of either layout.
    private var weightTranspose: Transpose { weightLayout == .outputsByInputs ? .transpose : .none }

    public func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws {
        try checkInput(x, "Dense")
        // Bias and activation run as the GEMM's epilogue, on each block of Y while it is in cache.
        try Gemm.multiplyAddingBias(x, .none, weight.value, weightTranspose, bias: bias.value,
                                    activation: fusedActivation, into: &y)
    }

    public func backward(
        input x: Matrix, output y: Matrix, outputGradient dy: inout Matrix,
        inputGradient dx: inout Matrix, computeInputGradient: Bool
    ) throws {
        activationAndBiasBackward(output: y, outputGradient: &dy)
        sparseState.wholeGradientWritten = true  // the GEMM below rewrites all of dW
        if weightLayout == .outputsByInputs {
            try Gemm.multiply(dy, .transpose, x, .none, into: &weight.gradient)   // dW = dYᵀ X
        } else {
            try Gemm.multiply(x, .transpose, dy, .none, into: &weight.gradient)   // dWᵀ = Xᵀ dY
        }
        if computeInputGradient {
            try Gemm.multiply(dy, .none, weight.value, weightLayout == .outputsByInputs ? .none : .transpose, into: &dx)
        }
    }

    /// One pass over dY: the activation backward (dY ⊙ f'(Y), in place) and the bias gradient
    /// (column sums), row by row while the row is in L1.
    func activationAndBiasBackward(output y: Matrix, outputGradient dy: inout Matrix) {
        let rows = dy.rows, cols = dy.cols
        let act = fusedActivation
        y.withUnsafeBufferPointer { yp in
            dy.withUnsafeMutableBufferPointer { gp in
                bias.gradient.withUnsafeMutableBufferPointer { bp in
                    guard let ga = gp.baseAddress, let ba = bp.baseAddress else { return }
                    ba.update(repeating: 0, count: cols)
                    for r in 0..<rows {
                        let row = ga + r * cols
                        if let act, let ya = yp.baseAddress {
                            act.backwardFromOutput(output: ya + r * cols, gradient: row, count: cols)
                        }
                        Elementwise.axpy(1, row, ba, count: cols)
                    }
                }
            }
        }
    }
}

/// A multi-layer perceptron built from an `MLPSpec`: the model that the trainer fits and that
/// predicts. See `MLPSpec` for the exact PyTorch `nn.Sequential` module order and parameter names.
///
/// Execution: the modules are compiled into stages (`stages`); a `Linear` followed directly by an
/// activation whose derivative follows from its output (ReLU, LeakyReLU, Tanh, Sigmoid) becomes one
/// `Dense` stage that adds the bias and applies the activation in one pass after the GEMM. GELU,
/// LayerNorm and Dropout are stages of their own. Naming and the state dict follow the modules, not
/// the stages.
///
/// Not thread-safe: a model is trained and used from one thread at a time (inference from several
/// threads needs one model copy per thread, since layers keep training state).
public final class MLP {
    /// One module of the equivalent `nn.Sequential`.
    public struct Module: Sendable, Equatable {
        /// Index in the `nn.Sequential` (the state-dict prefix).
        public let index: Int
        /// PyTorch-style description, e.g. `Linear(in_features=103, out_features=256)`.
        public let description: String
        /// Output features.
        public let outputs: Int
        /// Trainable scalars of this module.
        public let parameterCount: Int
    }

    public let spec: MLPSpec
    /// Executable stages (fused where possible), in order.
    public let stages: [any Layer]
    /// The first stage as the `Dense` layer every MLP starts with (the one that takes sparse input).
    public var firstDense: Dense? { stages.first as? Dense }
    /// The modules of the equivalent PyTorch `nn.Sequential`.
    public let modules: [Module]
    /// Every trainable parameter in state-dict order (`0.weight`, `0.bias`, ...).
    public let parameters: [Parameter]
    /// Output features of each stage (cached so that shaping a workspace allocates nothing).
    let stageWidths: [Int]
    /// The workspace of the training passes (`forwardTraining` / `backward`).
    public var workspace = ModelWorkspace()

    /// Builds and initialises the model; `seed` fixes the initial weights and the dropout masks.
    /// - Throws: `LogitsError.invalidValue` for an invalid spec; `MemoryBudgetError` when its
    ///   parameters (values and gradients) would exceed the memory budget (checked before allocating).
    public init(spec: MLPSpec, seed: UInt64 = 0) throws {
        try spec.validate()
        try spec.checkMemory()
        self.spec = spec
        var rng = SeededGenerator(seed: seed)
        var stages: [any Layer] = []
        var modules: [Module] = []
        var index = 0
        var width = spec.inputs
        let fuse = !spec.layerNorm && spec.activation.derivableFromOutput
        func describe(_ a: Activation) -> String {
            switch a {
            case .leakyReLU(let s): return "LeakyReLU(negative_slope=\(s))"
            case .geluTanh: return "GELU(approximate='tanh')"
            default: return a.moduleName + "()"
            }
        }
        for h in spec.hidden {
            let dense = Dense(
                inputs: width, outputs: h, initializer: spec.initializer, rng: &rng,
                namePrefix: "\(index).", fusedActivation: fuse ? spec.activation : nil)
            stages.append(dense)
            modules.append(Module(index: index, description: "Linear(in_features=\(width), out_features=\(h))",
                                  outputs: h, parameterCount: width * h + h))
            index += 1
            if spec.layerNorm {
                stages.append(LayerNorm(features: h, namePrefix: "\(index)."))
                modules.append(Module(index: index, description: "LayerNorm((\(h),), eps=1e-05)", outputs: h, parameterCount: 2 * h))
                index += 1
            }
            if !fuse { stages.append(ActivationLayer(spec.activation, features: h)) }
            modules.append(Module(index: index, description: describe(spec.activation), outputs: h, parameterCount: 0))
            index += 1
            if spec.dropout > 0 {
                stages.append(Dropout(probability: spec.dropout, features: h, seed: rng.next()))
                modules.append(Module(index: index, description: "Dropout(p=\(spec.dropout))", outputs: h, parameterCount: 0))
                index += 1
            }
            width = h
        }
        stages.append(Dense(inputs: width, outputs: spec.outputs, initializer: spec.initializer, rng: &rng, namePrefix: "\(index)."))
        modules.append(Module(index: index, description: "Linear(in_features=\(width), out_features=\(spec.outputs))",
                              outputs: spec.outputs, parameterCount: width * spec.outputs + spec.outputs))
        self.stages = stages
        self.stageWidths = stages.map(\.outputCount)
        self.modules = modules
        self.parameters = stages.flatMap(\.parameters)
    }

    /// Total trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Input features per row.
    public var inputCount: Int { spec.inputs }
    /// Logits per row.
    public var outputCount: Int { spec.outputs }

    /// Runs every stage on `x` (`B x inputs`) into `workspace.outputs`; the logits are
    /// `workspace.outputs.last` (`B x outputs`).
    /// - Throws: `LogitsError.shapeMismatch` if `x.cols != inputs`.
    public func forward(_ x: Matrix, workspace ws: inout ModelWorkspace, training: Bool) throws {
        guard x.cols == spec.inputs else {
            throw LogitsError.shapeMismatch("model expects \(spec.inputs) input features, got \(x.cols)")
        }
        ws.prepare(for: self, batch: x.rows, withGradients: training)
        try stages[0].forward(x, into: &ws.outputs[0], training: training)
        try forwardStages(after: 0, workspace: &ws, training: training)
    }

    /// `forward` on a sparse batch (`B x inputs`, CSR): the first `Dense` layer runs the
    /// sparse-dense product (`Dense.forward(sparse:into:)`), every later stage is unchanged.
    /// The batch's column grouping stays in the workspace for `backward(input:)`. With
    /// `inputShift = s` the network sees `X − 1sᵀ` without densifying `X` (`Dense.forward(sparse:inputShift:into:)`).
    /// - Throws: `LogitsError.shapeMismatch` if `x.cols != inputs`.
    /// `foldedBias`: the first layer's `b − W s`, precomputed for fixed weights (`Dense.foldedBias(inputShift:)`).
    public func forward(_ x: SparseMatrix, inputShift: [Float]? = nil, foldedBias: Matrix? = nil,
                        workspace ws: inout ModelWorkspace, training: Bool) throws {
        guard x.cols == spec.inputs else {
            throw LogitsError.shapeMismatch("model expects \(spec.inputs) input features, got \(x.cols)")
        }
        guard let first = firstDense else {
            throw LogitsError.unavailable("sparse input needs a Linear first layer")  // every MLP starts with one
        }
        ws.prepare(for: self, batch: x.rows, withGradients: training)
        let columns = ws.sparseColumns ?? SparseBatchColumns()
        ws.sparseColumns = columns
        columns.build(x)
        try first.forward(sparse: columns, inputShift: inputShift, foldedBias: foldedBias, into: &ws.outputs[0])
        try forwardStages(after: 0, workspace: &ws, training: training)
    }

    /// `forward` on dense or sparse features (`inputShift`: sparse only, see `forward(_:inputShift:...)`).
    public func forward(_ x: FeatureMatrix, inputShift: [Float]? = nil, foldedBias: Matrix? = nil,
                        workspace ws: inout ModelWorkspace, training: Bool) throws {
        switch x {
        case .dense(let m): try forward(m, workspace: &ws, training: training)
        case .sparse(let s): try forward(s, inputShift: inputShift, foldedBias: foldedBias, workspace: &ws, training: training)
        }
    }

    /// Runs the stages after `first` on the outputs already in `ws`.
    private func forwardStages(after first: Int, workspace ws: inout ModelWorkspace, training: Bool) throws {
        for i in stages.indices where i > first {
            let input = ws.outputs[i - 1]
            try stages[i].forward(input, into: &ws.outputs[i], training: training)
        }
    }

    /// Training forward pass into the model's own `workspace`.
    public func forwardTraining(_ x: Matrix) throws {
        try forward(x, workspace: &workspace, training: true)
    }

    /// Training forward pass of dense or sparse features into the model's own `workspace`.
    public func forwardTraining(_ x: FeatureMatrix, inputShift: [Float]? = nil) throws {
        try forward(x, inputShift: inputShift, workspace: &workspace, training: true)
    }

    /// `backward(input:)` after `forwardTraining(x)` of dense or sparse features; for a sparse
    /// batch the first layer's weight gradient is the sparse `δᵀ X` (`Dense.backward(sparse:...)`).
    public func backward(input x: FeatureMatrix, inputShift: [Float]? = nil) throws {
        switch x {
        case .dense(let m):
            try backward(input: m)
        case .sparse(let s):
            guard let columns = workspace.sparseColumns, columns.rows == s.rows, columns.cols == s.cols,
                  let first = firstDense else {
                throw LogitsError.invalidValue("backward on a sparse batch needs forwardTraining on that batch first")
            }
            try backwardStages(downTo: 1)
            try first.backward(sparse: columns, inputShift: inputShift, output: workspace.outputs[0], outputGradient: &workspace.gradients[0])
        }
    }

    /// Backward through stages `count - 1` down to `last` (each writes the input gradient of the one before).
    private func backwardStages(downTo last: Int) throws {
        var i = stages.count - 1
        while i >= last {
            let input = workspace.outputs[i - 1]
            let output = workspace.outputs[i]
            // Move the two gradient buffers out so they can be passed inout together (no copy).
            var dy = workspace.gradients[i]
            workspace.gradients[i] = Matrix(rows: 0, cols: 0)
            try stages[i].backward(input: input, output: output, outputGradient: &dy,
                                   inputGradient: &workspace.gradients[i - 1], computeInputGradient: true)
            workspace.gradients[i] = dy
            i -= 1
        }
    }

    /// Backward pass after `forwardTraining(x)`: `workspace.gradients.last` must hold
    /// `d loss / d logits` (`B x outputs`, as a `TrainingLoss` writes it). Fills every parameter's
    /// gradient; the input gradient is not computed.
    public func backward(input x: Matrix) throws {
        try backwardStages(downTo: 1)
        var unused = Matrix(rows: 0, cols: 0)
        try stages[0].backward(input: x, output: workspace.outputs[0], outputGradient: &workspace.gradients[0],
                               inputGradient: &unused, computeInputGradient: false)
    }

    /// A torchinfo-like table of the modules, their output shapes and parameter counts.
    public var summary: String {
        var lines = ["Layer (type:index)                                     Output Shape      Param #",
                     String(repeating: "=", count: 82)]
        for m in modules {
            let name = "\(m.description):\(m.index)"
            let shape = "[B, \(m.outputs)]"
            lines.append(name.padding(toLength: 55, withPad: " ", startingAt: 0)
                         + shape.padding(toLength: 18, withPad: " ", startingAt: 0) + String(m.parameterCount))
        }
        lines.append(String(repeating: "=", count: 82))
        lines.append("Total params: \(parameterCount)")
        lines.append("Trainable params: \(parameterCount)")
        lines.append("Input: [B, \(spec.inputs)]")
        return lines.joined(separator: "\n")
    }
}

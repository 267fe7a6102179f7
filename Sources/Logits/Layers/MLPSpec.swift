/// The architecture of a multi-layer perceptron, serialisable with the model file.
///
/// The equivalent PyTorch model is the `nn.Sequential` whose modules are, for each hidden width
/// `h` in order:
///
///     nn.Linear(prev, h), [nn.LayerNorm(h) if layerNorm], <activation>, [nn.Dropout(dropout) if dropout > 0]
///
/// followed by `nn.Linear(prev, outputs)` (raw logits; softmax/sigmoid belong to the loss and to
/// prediction). Module indices count every one of those modules, so with `hidden: [256, 128]`,
/// ReLU, dropout 0.2 and no LayerNorm the parameters are `0.weight, 0.bias, 3.weight, 3.bias,
/// 6.weight, 6.bias`.
public struct MLPSpec: Codable, Sendable, Equatable {
    /// Input features.
    public var inputs: Int
    /// Hidden layer widths (may be empty: a linear model).
    public var hidden: [Int]
    /// Output logits (classes or labels).
    public var outputs: Int
    /// Hidden activation.
    public var activation: Activation
    /// Dropout probability after each hidden activation (0 = no Dropout module).
    public var dropout: Float
    /// Whether each hidden Linear is followed by a LayerNorm (before the activation).
    public var layerNorm: Bool
    /// Weight/bias initialisation.
    public var initializer: Initializer

    public init(
        inputs: Int, hidden: [Int], outputs: Int, activation: Activation = .relu,
        dropout: Float = 0, layerNorm: Bool = false, initializer: Initializer = .pytorchDefault
    ) {
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.activation = activation
        self.dropout = dropout
        self.layerNorm = layerNorm
        self.initializer = initializer
    }

    /// Checks sizes and the dropout range.
    /// - Throws: `LogitsError.invalidValue` naming the bad field.
    public func validate() throws {
        guard inputs > 0 else { throw LogitsError.invalidValue("MLP inputs must be > 0, got \(inputs)") }
        guard outputs > 0 else { throw LogitsError.invalidValue("MLP outputs must be > 0, got \(outputs)") }
        for (i, h) in hidden.enumerated() where h <= 0 {
            throw LogitsError.invalidValue("hidden layer \(i) width must be > 0, got \(h)")
        }
        guard dropout >= 0 && dropout < 1 else {
            throw LogitsError.invalidValue("dropout must be in [0, 1), got \(dropout)")
        }
        if case .leakyReLU(let s) = activation, !s.isFinite {
            throw LogitsError.invalidValue("leaky ReLU slope must be finite, got \(s)")
        }
    }

    /// The state-dict parameters `(name, PyTorch shape)` of the MLP this spec builds, in order,
    /// computed without allocating anything: `I.weight [out, in]` and `I.bias [out]` per Linear,
    /// `I.weight [h]`, `I.bias [h]` per LayerNorm (`I` = module index, see the type's notes).
    public func parameterShapes() -> [(name: String, shape: [Int])] {
        var out: [(name: String, shape: [Int])] = []
        var index = 0
        var width = inputs
        for h in hidden {
            out.append(("\(index).weight", [h, width]))
            out.append(("\(index).bias", [h]))
            index += 1
            if layerNorm {
                out.append(("\(index).weight", [h]))
                out.append(("\(index).bias", [h]))
                index += 1
            }
            index += 1  // activation
            if dropout > 0 { index += 1 }
            width = h
        }
        out.append(("\(index).weight", [outputs, width]))
        out.append(("\(index).bias", [outputs]))
        return out
    }

    /// Total trainable scalars, or `nil` when the count overflows `Int` (absurd widths).
    public var checkedParameterCount: Int? {
        var total = 0
        for (_, shape) in parameterShapes() {
            guard let n = MemoryBudget.product(shape), let t = MemoryBudget.sum(total, n) else { return nil }
            total = t
        }
        return total
    }

    /// Bytes an `MLP` built from this spec allocates: 8 per parameter (float32 value and gradient);
    /// `nil` on overflow.
    public var modelBytes: Int? {
        checkedParameterCount.flatMap { MemoryBudget.product($0, 8) }
    }

    /// Bytes to train with batches of `batch` rows: 20 per parameter (value, gradient, two
    /// optimizer moments, and the best-epoch copy early stopping falls back on) plus, per stage
    /// width `w`, `batch x w` float32 activations and gradients (twice that with LayerNorm); on
    /// sparse input (`sparseInput`), 8 more bytes per first-layer weight for turning that weight and
    /// its gradient to the `in x out` training layout (the old and new copies coexist while it
    /// turns). `nil` on overflow.
    public func trainingBytes(batch: Int, sparseInput: Bool = false) -> Int? {
        guard let params = checkedParameterCount.flatMap({ MemoryBudget.product($0, 20) }) else { return nil }
        var widths = 0
        for h in hidden + [outputs] {
            guard let w = MemoryBudget.sum(widths, MemoryBudget.product(h, layerNorm ? 4 : 2)) else { return nil }
            widths = w
        }
        var transposeScratch: Int? = 0
        if sparseInput, let firstWeight = parameterShapes().first(where: { $0.1.count == 2 })?.1 {
            transposeScratch = MemoryBudget.product(firstWeight + [8])
        }
        return MemoryBudget.sum(MemoryBudget.sum(params, MemoryBudget.product(batch, widths, 4)), transposeScratch)
    }

    /// Checks the sizes against the memory budget: the model alone, or training with `batch`.
    /// - Throws: `MemoryBudgetError` naming the layer sizes and the bytes needed.
    public func checkMemory(batch: Int? = nil, sparseInput: Bool = false) throws {
        let bytes = batch.map { trainingBytes(batch: $0, sparseInput: sparseInput) } ?? modelBytes
        let layers = ([inputs] + hidden + [outputs]).map(String.init).joined(separator: " -> ")
        let what = batch.map { "training an MLP \(layers) with batches of \($0)" } ?? "an MLP \(layers)"
        try MemoryBudget.check(bytes: bytes, what: what)
    }
}

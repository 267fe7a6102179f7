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
}

/// A trainable tensor and its gradient, shared by a layer (which fills `gradient` in backward) and an
/// optimizer (which updates `value` in place). A reference type so both see the same storage
/// without copies; `value` and `gradient` always have the same shape.
///
/// Vectors (biases, LayerNorm scales) are stored as `1 x n` matrices; `shape` gives the PyTorch shape
/// (`[out, in]` for a Linear weight, `[n]` for a vector).
public final class Parameter {
    /// The PyTorch state-dict name, e.g. `0.weight`, `3.bias`.
    public let name: String
    /// The PyTorch tensor shape (`[rows, cols]` or `[n]`).
    public let shape: [Int]
    /// Current values.
    public var value: Matrix
    /// `d loss / d value` of the last backward pass (same shape as `value`).
    public var gradient: Matrix
    /// Whether `value` and `gradient` hold the transpose of the `shape` tensor (a `Dense` layer
    /// training on sparse input, `Dense.WeightLayout.inputsByOutputs`); see `canonicalValue`.
    public internal(set) var isStoredTransposed = false

    /// `value` in the layout of `shape` (a transposed copy when `isStoredTransposed`).
    public var canonicalValue: Matrix { isStoredTransposed ? value.transposed() : value }

    /// A parameter holding `value`, with a zero gradient.
    public init(name: String, value: Matrix, isVector: Bool) {
        self.name = name
        self.value = value
        self.gradient = Matrix(rows: value.rows, cols: value.cols)
        self.shape = isVector ? [value.count] : [value.rows, value.cols]
    }

    /// Number of scalars.
    public var count: Int { value.count }
}

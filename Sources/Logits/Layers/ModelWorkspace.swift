/// Reusable activation and gradient buffers for one model: `outputs[i]` is stage `i`'s output
/// (`outputs.last` = the logits), `gradients[i]` is `d loss / d outputs[i]`. Buffers grow to the
/// largest batch seen (or reserved) and are then reused without allocation.
///
/// A model owns one workspace for training; inference callers may keep their own (one per thread)
/// and pass it to `MLP.logits(_:into:workspace:)`.
public struct ModelWorkspace {
    public internal(set) var outputs: [Matrix]
    public internal(set) var gradients: [Matrix]
    /// The last sparse batch regrouped by column (created on the first sparse forward pass).
    var sparseColumns: SparseBatchColumns?

    /// An empty workspace; the model shapes it on first use.
    public init() {
        outputs = []
        gradients = []
    }

    /// The last stage's output: the logits of the last forward pass.
    public var logits: Matrix { outputs.last ?? Matrix(rows: 0, cols: 0) }

    mutating func prepare(for model: MLP, batch: Int, withGradients: Bool) {
        let widths = model.stageWidths
        if outputs.count != widths.count {
            outputs = widths.map { _ in Matrix(rows: 0, cols: 0) }
        }
        for i in widths.indices where outputs[i].storage.capacity < batch * widths[i] {
            outputs[i].reserveCapacity(rows: batch, cols: widths[i])
        }
        guard withGradients else { return }
        if gradients.count != widths.count {
            gradients = widths.map { _ in Matrix(rows: 0, cols: 0) }
        }
        for i in widths.indices where gradients[i].storage.capacity < batch * widths[i] {
            gradients[i].reserveCapacity(rows: batch, cols: widths[i])
        }
    }
}

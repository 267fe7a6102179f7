/// Negative log-likelihood on log-probabilities (= `torch.nn.NLLLoss`), for models that keep an
/// explicit log-softmax output. Prefer `SoftmaxCrossEntropy` on logits: it is the same loss with
/// the log-softmax fused in.
///
/// Input `x` is `B x C` log-probabilities, targets are `B` class indices, `w` per-class weights:
///
///     loss_i = -w[y_i] x_{i,y_i}          (0 if y_i == ignoreIndex)
///     d loss_i / d x_ij = -w[y_i] [j == y_i]
///     mean = sum_i loss_i / sum_{i not ignored} w[y_i]   (NaN, zero gradient, if all are ignored)
///
/// `reduction: .none` gives `[B]`.
public struct NegativeLogLikelihood: LossFunction {
    public var reduction: Reduction
    /// Per-class weights `[C]`, or `nil` for all ones.
    public var weight: [Float]?
    /// Targets equal to this are skipped (may be a valid class index).
    public var ignoreIndex: Int

    public var valuesArePerSample: Bool { true }

    public init(weight: [Float]? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
    }

    static let name = "NegativeLogLikelihood"

    public func evaluate(
        input: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let x = input
        let b = x.rows, c = x.cols
        let y = try LossCheck.classIndexTargets(targets, loss: Self.name)
        try LossCheck.classWeight(weight, classes: c, loss: Self.name)
        try LossCheck.classIndices(y, rows: b, classes: c, ignoreIndex: ignoreIndex, loss: Self.name)
        var denom: Double = 0
        for v in y where v != ignoreIndex { denom += Double(weight?[v] ?? 1) }
        let scale: Float = reduction == .mean ? (denom > 0 ? Float(1 / denom) : 0) : 1
        gradient.resize(rows: b, cols: c)
        gradient.fill(0)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? b : 0)
        var total: Double = 0
        for i in 0..<b where y[i] != ignoreIndex {
            let yi = y[i]
            let w = weight?[yi] ?? 1
            let l = -w * x[i, yi]
            total += Double(l)
            if wantValues { vals[i] = l }
            gradient[i, yi] = -w * scale
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / denom : total
    }
}

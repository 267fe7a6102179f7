/// Multi-label soft-margin loss (= `torch.nn.MultiLabelSoftMarginLoss`,
/// <https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelSoftMarginLoss.html>): sigmoid
/// BCE on logits, averaged over the labels of each sample.
///
///     ℓ(x, y) = y softplus(-x) + (1 - y) softplus(x),    ∂ℓ/∂x = σ(x) - y
///     none_i  = (1/C) sum_c w_c ℓ(x_ic, y_ic)
///     mean    = sum_i none_i / B        (= SigmoidBinaryCrossEntropy(weight: .perLabel(w)) with mean)
///
/// `reduction: .none` gives `[B]` (not `[B][C]` as BCE does) and `sum` is BCE's sum divided by C.
/// Targets in [0, 1]; `weight` is per class `[C]`. Label smoothing replaces `y` by
/// `y (1 - ε) + ε / 2`. With a target mask each row is averaged over its observed labels `n_i`
/// instead of `C`, and `mean` is over the rows with at least one observed label (`ElementwiseLoss`).
public struct MultiLabelSoftMargin: ElementwiseLoss {
    public var reduction: Reduction
    /// Per-class weights `[C]`, or `nil`.
    public var weight: [Float]?
    /// Label smoothing `ε` in [0, 1]: targets `y (1 - ε) + ε / 2`.
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { true }
    public static let lossName = "MultiLabelSoftMargin"
    public var elementWeights: ElementWeight? { weight.map { .perLabel($0) } }

    public init(weight: [Float]? = nil, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        self.weight = weight
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    @inline(__always) public func element(_ x: Double, target y: Double, posWeight: Double) -> ElementLoss {
        SigmoidBinaryCrossEntropy.bce(x, y, 1)
    }

    public func evaluate(
        input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let logits = input
        let y = try ElementwiseDriver.validate(
            self, input: logits, targets: targets, mask: mask, checkTargets: mask != nil || labelSmoothing != 0)
        if mask != nil {
            return ElementwiseDriver.run(self, input: logits, targets: y, mask: mask, reduction: reduction, values: &values, gradient: &gradient)
        }
        let b = logits.rows, c = logits.cols
        let n = b * c
        let scale: Float = reduction == .mean ? (n > 0 ? 1 / Float(n) : 0) : (c > 0 ? 1 / Float(c) : 0)
        var elementValues: [Float]? = values == nil ? nil : []
        let total = try SigmoidBinaryCrossEntropy.runKernel(
            logits: logits, targets: ElementwiseDriver.smoothed(y, labelSmoothing), weight: elementWeights, posWeight: nil,
            scale: scale, values: &elementValues, gradient: &gradient, loss: lossName)
        if let ev = elementValues {
            var rows = [Float](repeating: 0, count: b)
            for i in 0..<b {
                var s: Double = 0
                for j in 0..<c { s += Double(ev[i * c + j]) }
                rows[i] = Float(s / Double(c))
            }
            values = rows
        }
        return reduction == .mean ? total / Double(n) : total / Double(c)
    }
}

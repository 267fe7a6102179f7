/// Multi-label soft-margin loss (= `torch.nn.MultiLabelSoftMarginLoss`): sigmoid BCE on logits,
/// averaged over the labels of each sample.
///
///     loss_i = (1/C) sum_c w_c [y_ic softplus(-x_ic) + (1 - y_ic) softplus(x_ic)]
///     d loss_i / d x_ic = w_c (σ(x_ic) - y_ic) / C
///     mean = sum_i loss_i / B        (= SigmoidBinaryCrossEntropy(weight: .perLabel(w)) with mean)
///
/// `reduction: .none` gives `[B]` (not `[B][C]` as BCE does) and `sum` is BCE's sum divided by C.
/// Targets in [0, 1]; `weight` is per class `[C]`.
public struct MultiLabelSoftMargin: LossFunction {
    public var reduction: Reduction
    /// Per-class weights `[C]`, or `nil`.
    public var weight: [Float]?

    public var valuesArePerSample: Bool { true }

    public init(weight: [Float]? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }

    static let name = "MultiLabelSoftMargin"

    public func evaluate(
        input logits: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        let y = try LossCheck.targetMatrix(targets, loss: Self.name)
        try LossCheck.targetShape(y, rows: b, cols: c, loss: Self.name)
        try LossCheck.classWeight(weight, classes: c, loss: Self.name)
        let n = b * c
        let scale: Float = reduction == .mean ? (n > 0 ? 1 / Float(n) : 0) : (c > 0 ? 1 / Float(c) : 0)
        var elementValues: [Float]? = values == nil ? nil : []
        let total = try SigmoidBinaryCrossEntropy.runKernel(
            logits: logits, targets: y, weight: weight.map { .perLabel($0) }, posWeight: nil, scale: scale,
            values: &elementValues, gradient: &gradient, loss: Self.name)
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

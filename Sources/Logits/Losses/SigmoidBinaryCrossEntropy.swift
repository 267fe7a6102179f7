import Foundation

/// Independent sigmoid + binary cross-entropy per label, on logits (= `torch.nn.BCEWithLogitsLoss`),
/// fused: logits in, loss and `d loss / d logits` out, in one vectorized pass.
///
/// For logits `x` (`B x C`), targets `y` in [0, 1] (0/1 labels or soft targets), element weight
/// `w` (broadcast per label, per sample or per element; 1 when `nil`) and positive weight `pw`
/// per label (1 when `nil`):
///
///     loss_ij = w [pw y softplus(-x) + (1 - y) softplus(x)]       (= -w [pw y log σ(x) + (1-y) log(1 - σ(x))])
///     d loss_ij / d x_ij = w [(pw y + 1 - y) σ(x) - pw y]          (= w (σ(x) - y) without pw)
///     mean = sum_ij loss_ij / (B C)     (B·C whatever the weights, exactly as PyTorch)
///
/// `reduction: .none` gives `[B][C]`. It is never computed through `log(sigmoid(x))`: softplus
/// written as `max(x, 0) + log1p(exp(-|x|))` keeps both terms non-negative and exact, so logits of
/// ±1e4 on the wrong side give a loss of 1e4, not `inf` or NaN.
///
/// `posWeight > 1` raises the weight of the positives of a label (for rare labels, e.g.
/// `negatives / positives`, see `LossKind.autoPosWeight`).
public struct SigmoidBinaryCrossEntropy: LossFunction {
    public var reduction: Reduction
    /// Element weights broadcast to `B x C`, or `nil`.
    public var weight: ElementWeight?
    /// Per-label positive weights `[C]`, or `nil`.
    public var posWeight: [Float]?

    public var valuesArePerSample: Bool { false }

    public init(weight: ElementWeight? = nil, posWeight: [Float]? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
    }

    static let name = "SigmoidBinaryCrossEntropy"

    public func evaluate(
        input logits: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        let y = try LossCheck.targetMatrix(targets, loss: Self.name)
        try LossCheck.targetShape(y, rows: b, cols: c, loss: Self.name)
        try LossCheck.elementWeight(weight, rows: b, cols: c, loss: Self.name)
        try LossCheck.classWeight(posWeight, classes: c, loss: Self.name, name: "posWeight")
        let n = b * c
        let scale: Float = reduction == .mean ? (n > 0 ? 1 / Float(n) : 0) : 1
        let total = try Self.runKernel(
            logits: logits, targets: y, weight: weight, posWeight: posWeight, scale: scale,
            values: &values, gradient: &gradient, loss: Self.name)
        return reduction == .mean ? total / Double(n) : total
    }

    /// Shared driver: unwraps the buffers and runs `SigmoidBCEKernel` (`values`, when requested,
    /// gets the `B*C` element losses).
    static func runKernel(
        logits: Matrix, targets y: Matrix, weight: ElementWeight?, posWeight: [Float]?, scale: Float,
        values: inout [Float]?, gradient: inout Matrix, loss: String
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        gradient.resize(rows: b, cols: c)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? b * c : 0)
        var labelW: [Float] = [], sampleW: [Float] = []
        var elementW = Matrix(rows: 0, cols: 0)
        switch weight {
        case .perLabel(let v)?: labelW = v
        case .perSample(let v)?: sampleW = v
        case .perElement(let m)?: elementW = m
        case nil: break
        }
        let pwArray = posWeight ?? []
        let result: (total: Double, badTarget: Bool) = logits.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                gradient.withUnsafeMutableBufferPointer { gb in
                    vals.withUnsafeMutableBufferPointer { vb in
                        labelW.withUnsafeBufferPointer { lw in
                            sampleW.withUnsafeBufferPointer { sw in
                                elementW.withUnsafeBufferPointer { ew in
                                    pwArray.withUnsafeBufferPointer { pw in
                                        guard let x0 = xb.baseAddress, let y0 = yb.baseAddress, let g0 = gb.baseAddress
                                        else { return (0, false) }
                                        let kernel = SigmoidBCEKernel(
                                            labelWeight: labelW.isEmpty ? nil : lw.baseAddress,
                                            elementWeight: elementW.count == 0 ? nil : ew.baseAddress,
                                            sampleWeight: sampleW.isEmpty ? nil : sw.baseAddress,
                                            posWeight: pwArray.isEmpty ? nil : pw.baseAddress)
                                        return kernel.run(
                                            x: x0, y: y0, rows: b, cols: c, scale: scale, grad: g0,
                                            values: wantValues ? vb.baseAddress : nil)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if result.badTarget { throw LossCheck.targetRangeError(y, loss: loss) }
        if wantValues { values = vals }
        return result.total
    }
}

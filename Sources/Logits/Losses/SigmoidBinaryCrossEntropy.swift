import Foundation

/// Independent sigmoid + binary cross-entropy per label, on logits (= `torch.nn.BCEWithLogitsLoss`,
/// <https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html>), fused: logits in,
/// loss and `d loss / d logits` out, in one vectorized pass.
///
/// For logits `x` (`B x C`), targets `y` in [0, 1] (0/1 labels or soft targets), element weight
/// `w` (broadcast per label, per sample or per element; 1 when `nil`) and positive weight `pw`
/// per label (1 when `nil`):
///
///     ℓ(x, y) = pw y softplus(-x) + (1 - y) softplus(x)       (= -[pw y log σ(x) + (1-y) log(1 - σ(x))])
///     ∂ℓ/∂x   = (pw y + 1 - y) σ(x) - pw y                     (= σ(x) - y without pw)
///     none_ij = w_ij ℓ(x_ij, y_ij),   mean = sum_ij none_ij / (B C)     (B·C whatever the weights, exactly as PyTorch)
///
/// Label smoothing `ε` replaces `y` by `y (1 - ε) + ε / 2`, so the loss equals
/// `binary_cross_entropy_with_logits(x, y*(1-ε)+ε/2, weight, pos_weight)`; a target mask drops
/// missing labels and the mean is over the observed ones (`ElementwiseLoss`).
///
/// `reduction: .none` gives `[B][C]`. It is never computed through `log(sigmoid(x))`: softplus
/// written as `max(x, 0) + log1p(exp(-|x|))` keeps both terms non-negative and exact, so logits of
/// ±1e4 on the wrong side give a loss of 1e4, not `inf` or NaN. Without a mask it runs the Float
/// SIMD kernel `SigmoidBCEKernel`; with a mask, the shared `Double` loop.
///
/// `posWeight > 1` raises the weight of the positives of a label (for rare labels, e.g.
/// `negatives / positives`, see `LossKind.autoPosWeight`).
public struct SigmoidBinaryCrossEntropy: ElementwiseLoss {
    public var reduction: Reduction
    /// Element weights broadcast to `B x C`, or `nil`.
    public var weight: ElementWeight?
    /// Per-label positive weights `[C]`, or `nil`.
    public var posWeight: [Float]?
    /// Label smoothing `ε` in [0, 1]: targets `y (1 - ε) + ε / 2`.
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { false }
    public static let lossName = "SigmoidBinaryCrossEntropy"
    public var elementWeights: ElementWeight? { weight }
    public var positiveWeights: [Float]? { posWeight }

    public init(weight: ElementWeight? = nil, posWeight: [Float]? = nil, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        self.weight = weight
        self.posWeight = posWeight
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    @inline(__always) public func element(_ x: Double, target y: Double, posWeight pw: Double) -> ElementLoss {
        Self.bce(x, y, pw)
    }

    /// The sigmoid BCE element in `Double` (shared with `MultiLabelSoftMargin`); the derivative
    /// takes the side where the small sigmoid is direct, as the kernel does.
    @inline(__always) static func bce(_ x: Double, _ y: Double, _ pw: Double) -> ElementLoss {
        let s = SigmoidParts(x)
        let k = pw * y + 1 - y
        return ElementLoss(pw * y * s.softplusNeg + (1 - y) * s.softplusPos, x >= 0 ? (1 - y) - k * s.neg : k * s.pos - pw * y)
    }

    public func evaluate(
        input: Matrix, targets: Targets, mask: Matrix?, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let logits = input
        // The kernel flags bad targets itself; smoothing would hide them, so they are checked first.
        let y = try ElementwiseDriver.validate(
            self, input: logits, targets: targets, mask: mask, checkTargets: mask != nil || labelSmoothing != 0)
        if mask != nil {
            return ElementwiseDriver.run(self, input: logits, targets: y, mask: mask, reduction: reduction, values: &values, gradient: &gradient)
        }
        let n = logits.rows * logits.cols
        let scale: Float = reduction == .mean ? (n > 0 ? 1 / Float(n) : 0) : 1
        let total = try Self.runKernel(
            logits: logits, targets: ElementwiseDriver.smoothed(y, labelSmoothing), weight: weight, posWeight: posWeight,
            scale: scale, values: &values, gradient: &gradient, loss: lossName)
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

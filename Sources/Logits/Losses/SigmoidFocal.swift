import Foundation

/// Sigmoid focal loss for dense or imbalanced multi-label problems (= `torchvision.ops.sigmoid_focal_loss`,
/// Lin et al. 2017), on logits.
///
/// With `p = σ(x)`, `ce = y softplus(-x) + (1 - y) softplus(x)` (BCE with logits, unreduced),
/// `q = 1 - p_t = y (1 - p) + (1 - y) p`, `α_t = α y + (1 - α)(1 - y)` (1 when `α < 0`):
///
///     loss = α_t ce q^γ
///     d loss / d x = α_t [(p - y) q^γ + ce γ q^(γ-1) (1 - 2y) p (1 - p)]
///
/// `q` and `p (1 - p)` are formed from `σ(x)` and `σ(-x)` evaluated separately, so saturated
/// logits keep their tiny values. Computed in `Double` per element. Where `q` is exactly 0
/// (a saturated, correct prediction) and `γ < 1`, PyTorch's autograd returns NaN (`0 · ∞` in the
/// derivative of `q^γ`); this returns the limit, 0.
///
/// Reduction: torchvision's default is `'none'`; this type defaults to `.mean` (over all `B·C`
/// elements, as torchvision's `'mean'`) so that it can drive training like the other losses.
/// Pass `reduction: .none` for torchvision's default output `[B][C]`.
public struct SigmoidFocal: LossFunction {
    public var reduction: Reduction
    /// Balance of positives vs negatives in [0, 1]; negative disables the `α_t` factor.
    public var alpha: Float
    /// Focusing exponent `γ >= 0` (0 gives plain BCE, times `α_t`).
    public var gamma: Float

    public var valuesArePerSample: Bool { false }

    public init(alpha: Float = 0.25, gamma: Float = 2, reduction: Reduction = .mean) {
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction
    }

    static let name = "SigmoidFocal"

    public func evaluate(
        input logits: Matrix, targets: Targets, reduction: Reduction,
        values: inout [Float]?, gradient: inout Matrix
    ) throws -> Double {
        let b = logits.rows, c = logits.cols
        guard gamma >= 0, gamma.isFinite else {
            throw LogitsError.invalidValue("\(Self.name): gamma = \(gamma), expected a finite value >= 0")
        }
        guard alpha <= 1, alpha.isFinite else {
            throw LogitsError.invalidValue("\(Self.name): alpha = \(alpha), expected a value in [0, 1] (or < 0 to disable)")
        }
        let y = try LossCheck.targetMatrix(targets, loss: Self.name)
        try LossCheck.targetShape(y, rows: b, cols: c, loss: Self.name)
        try LossCheck.targetsInUnitInterval(y, loss: Self.name)
        let n = b * c
        let scale: Double = reduction == .mean ? (n > 0 ? 1 / Double(n) : 0) : 1
        gradient.resize(rows: b, cols: c)
        let wantValues = values != nil
        var vals = [Float](repeating: 0, count: wantValues ? n : 0)
        let g = Double(gamma), a = Double(alpha)
        var total: Double = 0
        for k in 0..<n {
            let x = Double(logits.storage[k]), t = Double(y.storage[k])
            let s = SigmoidParts(x)
            let ce = t * s.softplusNeg + (1 - t) * s.softplusPos
            let q = t * s.neg + (1 - t) * s.pos
            let mod = pow(q, g)
            let alphaT = a >= 0 ? a * t + (1 - a) * (1 - t) : 1
            let loss = alphaT * ce * mod
            // p - y without cancellation: (1 - y) - σ(-x) for x >= 0, σ(x) - y for x < 0.
            let dce = x >= 0 ? (1 - t) - s.neg : s.pos - t
            let dq = (1 - 2 * t) * s.pos * s.neg
            let dmod: Double
            if g == 0 { dmod = 0 } else if q > 0 { dmod = g * pow(q, g - 1) * dq } else { dmod = g == 1 ? dq : 0 }
            total += loss
            if wantValues { vals[k] = Float(loss) }
            gradient.storage[k] = Float(alphaT * (dce * mod + ce * dmod) * scale)
        }
        if wantValues { values = vals }
        return reduction == .mean ? total / Double(n) : total
    }
}

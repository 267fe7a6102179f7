import Foundation

/// Sigmoid focal loss for dense or imbalanced multi-label problems (= `torchvision.ops.sigmoid_focal_loss`,
/// <https://pytorch.org/vision/stable/generated/torchvision.ops.sigmoid_focal_loss.html>, Lin et al. 2017), on logits.
///
/// With `p = σ(x)`, `ce = y softplus(-x) + (1 - y) softplus(x)` (BCE with logits, unreduced),
/// `q = 1 - p_t = y (1 - p) + (1 - y) p`, `α_t = α y + (1 - α)(1 - y)` (1 when `α < 0`):
///
///     ℓ(x, y) = α_t ce q^γ
///     ∂ℓ/∂x   = α_t [(p - y) q^γ + ce γ q^(γ-1) (1 - 2y) p (1 - p)]
///
/// `q` and `p (1 - p)` are formed from `σ(x)` and `σ(-x)` evaluated separately, so saturated
/// logits keep their tiny values. Computed in `Double` per element. Where `q` is exactly 0
/// (a saturated, correct prediction) and `γ < 1`, PyTorch's autograd returns NaN (`0 · ∞` in the
/// derivative of `q^γ`); this returns the limit, 0. Label smoothing (`y` → `y (1 - ε) + ε / 2`
/// everywhere above, `α_t` included, as torchvision on the smoothed targets), the target mask
/// and the reduction are the shared ones of `ElementwiseLoss`.
///
/// Reduction: torchvision's default is `'none'`; this type defaults to `.mean` (over all `B·C`
/// elements, as torchvision's `'mean'`) so that it can drive training like the other losses.
/// Pass `reduction: .none` for torchvision's default output `[B][C]`.
public struct SigmoidFocal: ElementwiseLoss {
    public var reduction: Reduction
    /// Balance of positives vs negatives in [0, 1]; negative disables the `α_t` factor.
    public var alpha: Float
    /// Focusing exponent `γ >= 0` (0 gives plain BCE, times `α_t`).
    public var gamma: Float
    /// Label smoothing `ε` in [0, 1]: targets `y (1 - ε) + ε / 2`.
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { false }
    public static let lossName = "SigmoidFocal"

    public init(alpha: Float = 0.25, gamma: Float = 2, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        self.alpha = alpha
        self.gamma = gamma
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    public func checkParameters() throws {
        guard gamma >= 0, gamma.isFinite else {
            throw LogitsError.invalidValue("SigmoidFocal: gamma = \(gamma), expected a finite value >= 0")
        }
        guard alpha <= 1, alpha.isFinite else {
            throw LogitsError.invalidValue("SigmoidFocal: alpha = \(alpha), expected a value in [0, 1] (or < 0 to disable)")
        }
    }

    @inline(__always) public func element(_ x: Double, target t: Double, posWeight: Double) -> ElementLoss {
        let g = Double(gamma), a = Double(alpha)
        let s = SigmoidParts(x)
        let ce = t * s.softplusNeg + (1 - t) * s.softplusPos
        let q = t * s.neg + (1 - t) * s.pos
        let mod = pow(q, g)
        let alphaT = a >= 0 ? a * t + (1 - a) * (1 - t) : 1
        // p - y without cancellation: (1 - y) - σ(-x) for x >= 0, σ(x) - y for x < 0.
        let dce = x >= 0 ? (1 - t) - s.neg : s.pos - t
        let dq = (1 - 2 * t) * s.pos * s.neg
        let dmod: Double
        if g == 0 { dmod = 0 } else if q > 0 { dmod = g * pow(q, g - 1) * dq } else { dmod = g == 1 ? dq : 0 }
        return ElementLoss(alphaT * ce * mod, alphaT * (dce * mod + ce * dmod))
    }
}

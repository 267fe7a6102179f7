import Foundation

/// Asymmetric loss (ASL) for multi-label classification with many negatives per sample
/// (Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021, reference code
/// <https://github.com/Alibaba-MIIL/ASL/blob/main/src/loss_functions/losses.py>; not part of PyTorch), on logits.
///
/// Positives and negatives get separate focusing exponents, and the probability of a negative is
/// shifted by a margin `m` ("probability clipping": very easy negatives, `p <= m`, are discarded
/// entirely). With `p = σ(x)`, `p_m = max(p - m, 0)`:
///
///     loss = -[ y (1 - p)^γ+ log(max(p, eps)) + (1 - y) p_m^γ- log(max(1 - p_m, eps)) ]     (binary y)
///
/// For soft targets this follows the reference code (Alibaba-MIIL/ASL `AsymmetricLoss`) exactly:
/// `A = y log(max(p, eps)) + (1-y) log(max(1 - p_m, eps))`, `q = y (1 - p) + (1 - y) p_m`,
/// `γ = γ+ y + γ- (1 - y)`, `loss = -A q^γ`.
///
/// Exact gradient (`s = p (1 - p)` = dp/dx; the `max(·, eps)` clamps have zero derivative where active):
///
///     dA/dx = y [p > eps] (1 - p) + (1 - y) [1 - p_m > eps] (d(1 - p_m)/dx) / (1 - p_m)
///     d(1 - p_m)/dx = -s [p > m]   (m > 0);   -s   (m = 0)
///     dq/dx = -y s + (1 - y) [p > m] s
///     d loss/dx = -(dA/dx q^γ + A γ q^(γ-1) dq/dx)
///
/// `detachFocusingWeight: true` treats `q^γ` as a constant in the backward pass, like the
/// reference's `disable_torch_grad_focal_loss=True` option. Verified against central finite
/// differences in the tests. Computed in `Double` per element. Label smoothing, the target mask
/// and the reduction are the shared ones of `ElementwiseLoss`.
///
/// Reduction: the reference implementation returns the **sum** over all elements
/// (`-loss.sum()`); this type defaults to `.mean` (sum / (B·C)) so that learning rates are
/// comparable with the other losses. Pass `reduction: .sum` to reproduce the reference.
/// `.none` gives `[B][C]`. Defaults of the reference: `γ- = 4, γ+ = 1, m = 0.05, eps = 1e-8`.
public struct Asymmetric: ElementwiseLoss {
    public var reduction: Reduction
    public var gammaPos: Float
    public var gammaNeg: Float
    /// Probability margin `m >= 0` for negatives (0 disables the shift).
    public var clip: Float
    /// Floor of the probabilities inside the logs.
    public var eps: Float
    /// Treat the focusing weight as a constant in the gradient (reference option).
    public var detachFocusingWeight: Bool
    /// Label smoothing `ε` in [0, 1]: targets `y (1 - ε) + ε / 2` (the soft-target formulas above).
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { false }
    public static let lossName = "Asymmetric"

    public init(
        gammaPos: Float = 1, gammaNeg: Float = 4, clip: Float = 0.05, eps: Float = 1e-8,
        detachFocusingWeight: Bool = false, labelSmoothing: Float = 0, reduction: Reduction = .mean
    ) {
        self.labelSmoothing = labelSmoothing
        self.gammaPos = gammaPos
        self.gammaNeg = gammaNeg
        self.clip = clip
        self.eps = eps
        self.detachFocusingWeight = detachFocusingWeight
        self.reduction = reduction
    }

    public func checkParameters() throws {
        for (label, v) in [("gammaPos", gammaPos), ("gammaNeg", gammaNeg), ("clip", clip), ("eps", eps)]
        where !(v >= 0 && v.isFinite) {
            throw LogitsError.invalidValue("Asymmetric: \(label) = \(v), expected a finite value >= 0")
        }
        guard clip < 1 else {
            throw LogitsError.invalidValue("Asymmetric: clip = \(clip), expected a value in [0, 1)")
        }
    }

    @inline(__always) public func element(_ x: Double, target y: Double, posWeight: Double) -> ElementLoss {
        let (l, d) = elementLossAndDerivative(x: x, y: y)
        return ElementLoss(l, d)
    }

    /// Loss of one element and its derivative w.r.t. the logit.
    func elementLossAndDerivative(x: Double, y t: Double) -> (Double, Double) {
        let m = Double(clip), e = Double(eps)
        let gp = Double(gammaPos), gn = Double(gammaNeg)
        let sp = SigmoidParts(x)
        let p = sp.pos, omp = sp.neg      // p and 1 - p, each without cancellation
        let s = p * omp
        // 1 - p_m = min(1 - p + m, 1) and p_m = max(p - m, 0)
        let shifted = m > 0
        let oneMinusPm = shifted ? Swift.min(omp + m, 1) : omp
        let pm = shifted ? Swift.max(p - m, 0) : p
        let pmActive = !shifted || p > m   // where d p_m / dx = s
        let logP = p > e ? -sp.softplusNeg : log(e)
        let logN: Double
        if oneMinusPm > e {
            logN = shifted ? log(oneMinusPm) : -sp.softplusPos
        } else {
            logN = log(e)
        }
        let a = t * logP + (1 - t) * logN
        let dLogP = p > e ? omp : 0
        let dLogN: Double
        if oneMinusPm > e && pmActive {
            dLogN = shifted ? -s / oneMinusPm : -p
        } else {
            dLogN = 0
        }
        let dA = t * dLogP + (1 - t) * dLogN
        let q = t * omp + (1 - t) * pm
        let g = gp * t + gn * (1 - t)
        let w = (gp > 0 || gn > 0) ? pow(q, g) : 1
        let dq = -t * s + (1 - t) * (pmActive ? s : 0)
        var dW: Double = 0
        if !detachFocusingWeight && g != 0 {
            if q > 0 { dW = g * pow(q, g - 1) * dq } else if g == 1 { dW = dq }
        }
        return (-a * w, -(dA * w + a * dW))
    }
}

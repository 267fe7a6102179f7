import Foundation

/// Binary cross-entropy on probabilities (= `torch.nn.BCELoss`,
/// <https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html>), for models whose output
/// already went through a sigmoid.
///
/// **Prefer `SigmoidBinaryCrossEntropy` on logits.** A probability has already lost information:
/// in `Float`, `sigmoid(x)` rounds to exactly 1 for `x >= 16.6` (and to tiny or zero values for
/// very negative `x`), so `log(p)` / `log(1 - p)` of the rounded value is `-inf` or badly rounded,
/// and the gradient through the sigmoid `p (1 - p)` vanishes exactly where the model is most
/// wrong. The logits form computes `softplus` directly and its gradient `σ(x) - y` never
/// saturates. This loss exists for compatibility and mirrors PyTorch's safeguards exactly:
///
///     ℓ(p, y)  = -[y max(log p, -100) + (1 - y) max(log(1 - p), -100)]     (so p = 0 or 1 costs at most 100)
///     ∂ℓ/∂p    = (p - y) / max(p (1 - p), ε)      ε = Float(1e-12) = 9.999999960041972e-13 (the clamp is ignored, as in PyTorch)
///
/// Weights, label smoothing, the target mask and the reduction (`mean = sum / (B C)`) are the
/// shared ones of `ElementwiseLoss`. Computed in `Double` per element. Input outside [0, 1]
/// (or NaN) is an error, as in PyTorch. `reduction: .none` gives `[B][C]`.
public struct BinaryCrossEntropy: ElementwiseLoss {
    public var reduction: Reduction
    /// Element weights broadcast to `B x C`, or `nil`.
    public var weight: ElementWeight?
    /// Label smoothing `ε` in [0, 1]: targets `y (1 - ε) + ε / 2`.
    public var labelSmoothing: Float

    public var valuesArePerSample: Bool { false }
    public static let lossName = "BinaryCrossEntropy"
    public var elementWeights: ElementWeight? { weight }
    public var inputIsProbability: Bool { true }

    /// PyTorch's `EPSILON = 1e-12` of the backward pass, a `float` constant even in float64.
    public static let gradientEpsilon = Double(Float(1e-12))

    public init(weight: ElementWeight? = nil, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        self.weight = weight
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    @inline(__always) public func element(_ p: Double, target y: Double, posWeight: Double) -> ElementLoss {
        let logP = Swift.max(log(p), -100)
        let log1mP = Swift.max(log1p(-p), -100)
        return ElementLoss(-(y * logP + (1 - y) * log1mP), (p - y) / Swift.max(p * (1 - p), Self.gradientEpsilon))
    }
}

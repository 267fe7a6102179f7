import Foundation

/// Adam and AdamW exactly as `torch.optim.Adam` / `torch.optim.AdamW` (single-tensor path,
/// amsgrad off), at step `t` (1-based):
///
///     AdamW:  p ← p (1 − lr · wd)                     (decoupled weight decay, before the update)
///     Adam:   g ← ∇ + wd · p                          (L2 weight decay)
///     m ← m + (1 − β1)(g − m)                          (= lerp)
///     v ← β2 v + (1 − β2) g²
///     p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// Bias corrections are computed in `Double` and rounded to `Float` once per step, as PyTorch does
/// with its Python-float scalars.
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// `true` for AdamW.
    public let decoupled: Bool
    public private(set) var stepCount = 0
    private var m: [[Float]] = []
    private var v: [[Float]] = []

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func step(_ parameters: [Parameter], learningRate lr: Float) {
        if m.count != parameters.count {
            m = parameters.map { [Float](repeating: 0, count: $0.count) }
            v = parameters.map { [Float](repeating: 0, count: $0.count) }
        }
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = 1 - Foundation.pow(Double(beta1), t)
        let bc2 = 1 - Foundation.pow(Double(beta2), t)
        let stepSize = Float(Double(lr) / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let b2 = beta2, eps = epsilon
        let oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2
        let decay: Float = decoupled ? 1 - lr * weightDecay : 1
        let l2: Float = decoupled ? 0 : weightDecay
        let applyDecay = decoupled && weightDecay != 0
        for (k, p) in parameters.enumerated() {
            let n = p.count
            p.gradient.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { pp in
                    m[k].withUnsafeMutableBufferPointer { mp in
                        v[k].withUnsafeMutableBufferPointer { vp in
                            for i in 0..<n {
                                var w = pp[i]
                                if applyDecay { w *= decay }
                                let g = l2 != 0 ? gp[i] + l2 * w : gp[i]
                                let mi = mp[i] + oneMinusB1 * (g - mp[i])
                                let vi = b2 * vp[i] + oneMinusB2 * (g * g)
                                mp[i] = mi
                                vp[i] = vi
                                let denom = vi.squareRoot() / bc2Sqrt + eps
                                pp[i] = w - stepSize * (mi / denom)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_(params, maxNorm)`:
///
///     N = √(Σ_params Σ_i g_i²),   c = maxNorm / (N + 1e-6),   if c < 1: g ← c g  (every parameter)
public enum GradientClipping {
    /// Clips in place and returns the norm before clipping (accumulated in `Double`).
    @discardableResult
    public static func clipGlobalNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var sum = 0.0
        for p in parameters {
            p.gradient.withUnsafeBufferPointer { g in
                var s: Float = 0
                for x in g { s += x * x }
                sum += Double(s)
            }
        }
        let norm = Float(sum.squareRoot())
        let coef = maxNorm / (norm + 1e-6)
        if coef < 1 {
            for p in parameters {
                let n = p.count
                p.gradient.withUnsafeMutableBufferPointer { g in
                    if let a = g.baseAddress { Elementwise.scale(a, by: coef, count: n) }
                }
            }
        }
        return norm
    }
}

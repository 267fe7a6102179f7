/// Stochastic gradient descent exactly as `torch.optim.SGD` (dampening 0):
///
///     g ← ∇ + wd · p                                  (L2 weight decay)
///     b ← g  on the first step,  b ← μ b + g  after    (momentum buffer, μ > 0)
///     g ← g + μ b  (Nesterov)   or   g ← b
///     p ← p − lr · g
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private var buffers: [[Float]] = []

    public init(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter], learningRate lr: Float) {
        if momentum != 0 && buffers.count != parameters.count {
            buffers = parameters.map { [Float](repeating: 0, count: $0.count) }
        }
        let first = stepCount == 0
        stepCount += 1
        let mu = momentum, wd = weightDecay, nest = nesterov
        for (k, p) in parameters.enumerated() {
            let n = p.count
            p.gradient.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { pp in
                    if mu == 0 {
                        for i in 0..<n {
                            let g = wd != 0 ? gp[i] + wd * pp[i] : gp[i]
                            pp[i] -= lr * g
                        }
                        return
                    }
                    buffers[k].withUnsafeMutableBufferPointer { bp in
                        for i in 0..<n {
                            var g = wd != 0 ? gp[i] + wd * pp[i] : gp[i]
                            let b = first ? g : mu * bp[i] + g
                            bp[i] = b
                            g = nest ? g + mu * b : b
                            pp[i] -= lr * g
                        }
                    }
                }
            }
        }
    }
}

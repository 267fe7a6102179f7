/// An optimizer updates parameters in place from their gradients, one `step` per mini-batch.
/// State (momentum, moments) is kept per parameter position: always pass the same parameter list.
public protocol Optimizer: AnyObject {
    /// Applies one update with learning rate `learningRate` to every parameter from its `gradient`.
    func step(_ parameters: [Parameter], learningRate: Float)
    /// Number of steps taken so far.
    var stepCount: Int { get }
}

/// A serialisable optimizer choice (the learning rate is given separately, see `TrainerConfig`).
public enum OptimizerConfig: Codable, Sendable, Equatable {
    /// `torch.optim.SGD(momentum=, dampening=0, nesterov=, weight_decay=)` (L2 added to the gradient).
    case sgd(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0)
    /// `torch.optim.Adam(betas=(beta1, beta2), eps=, weight_decay=)` (L2 added to the gradient).
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0)
    /// `torch.optim.AdamW(...)`: decoupled weight decay `p ← p (1 - lr wd)` (PyTorch's default wd 0.01).
    case adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01)

    /// A fresh optimizer with zero state.
    /// - Throws: `LogitsError.invalidValue` for out-of-range hyper-parameters.
    public func makeOptimizer() throws -> any Optimizer {
        switch self {
        case let .sgd(momentum, nesterov, weightDecay):
            guard momentum >= 0, weightDecay >= 0, !(nesterov && momentum == 0) else {
                throw LogitsError.invalidValue(
                    "SGD needs momentum >= 0, weight decay >= 0 and momentum > 0 for Nesterov; got momentum \(momentum), weight decay \(weightDecay), nesterov \(nesterov)")
            }
            return SGD(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case let .adam(b1, b2, eps, wd), let .adamW(b1, b2, eps, wd):
            guard (0..<1).contains(b1), (0..<1).contains(b2), eps >= 0, wd >= 0 else {
                throw LogitsError.invalidValue(
                    "Adam needs betas in [0, 1), eps >= 0, weight decay >= 0; got (\(b1), \(b2)), \(eps), \(wd)")
            }
            if case .adamW = self {
                return Adam(beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupled: true)
            }
            return Adam(beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupled: false)
        }
    }
}

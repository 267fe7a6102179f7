import Foundation

/// A learning-rate schedule, evaluated before every optimizer step from the global step (0-based)
/// and the epoch (0-based). Composable: `warmup` wraps any schedule.
///
/// | case | lr at (step s, epoch e) |
/// | --- | --- |
/// | `constant` | `base` |
/// | `step(everyEpochs: k, gamma: γ)` | `base · γ^⌊e / k⌋` (= `StepLR`, stepped per epoch) |
/// | `cosine(minimum: m)` | `m + (base − m)(1 + cos(π s / S)) / 2`, `S` = total steps (= `CosineAnnealingLR(T_max=S)` per step) |
/// | `warmup(steps: w, then: inner)` | `base · (s + 1) / w` for `s < w`, then `inner` evaluated at step `s − w` over `S − w` steps |
public indirect enum LearningRateSchedule: Codable, Sendable, Equatable {
    case constant
    case step(everyEpochs: Int, gamma: Float)
    case cosine(minimum: Float)
    case warmup(steps: Int, then: LearningRateSchedule)

    /// The learning rate for global step `step` of `totalSteps`, in epoch `epoch`.
    public func learningRate(base: Float, step: Int, epoch: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(every, gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch / max(1, every))))
        case let .cosine(minimum):
            let total = max(1, totalSteps)
            let progress = Double(min(step, total)) / Double(total)
            return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * progress)) / 2)
        case let .warmup(w, inner):
            if step < w { return base * Float(step + 1) / Float(max(1, w)) }
            return inner.learningRate(base: base, step: step - w, epoch: epoch, totalSteps: max(1, totalSteps - w))
        }
    }

    /// - Throws: `LogitsError.invalidValue` for a non-positive period or warm-up length, or a negative value.
    public func validate() throws {
        switch self {
        case .constant: return
        case let .step(every, gamma):
            guard every > 0, gamma > 0 else {
                throw LogitsError.invalidValue("step schedule needs everyEpochs > 0 and gamma > 0, got \(every), \(gamma)")
            }
        case let .cosine(minimum):
            guard minimum >= 0 else { throw LogitsError.invalidValue("cosine minimum lr must be >= 0, got \(minimum)") }
        case let .warmup(w, inner):
            guard w > 0 else { throw LogitsError.invalidValue("warm-up steps must be > 0, got \(w)") }
            try inner.validate()
        }
    }
}

/// The kind of classification a model solves; it fixes the output activation, the default loss and
/// the decision rule.
///
/// (Named `ClassificationTask`, not `Task`, so that it never shadows Swift concurrency's `Task`
/// in files that import Logits.)
public enum ClassificationTask: Sendable, Equatable, Hashable {
    /// Mutually exclusive classes: softmax output, cross-entropy, decision = argmax.
    case multiClass(classes: Int)
    /// Independent labels: one sigmoid per label, binary cross-entropy per label, decision = per-label threshold.
    case multiLabel(labels: Int)
    /// One yes/no output: a single sigmoid logit, binary cross-entropy, decision = threshold.
    case binary

    /// Number of output units (logits per sample).
    public var outputCount: Int {
        switch self {
        case .multiClass(let c): return c
        case .multiLabel(let l): return l
        case .binary: return 1
        }
    }
}

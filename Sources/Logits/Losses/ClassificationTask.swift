import Foundation

/// The kind of classification a model solves; it fixes the output activation, the default loss and
/// the decision rule.
///
/// | task | output activation | default loss | decision |
/// | --- | --- | --- | --- |
/// | `.multiClass(classes: C)` | softmax over the row (probabilities sum to 1) | `SoftmaxCrossEntropy` | argmax |
/// | `.multiLabel(labels: L)` | independent sigmoid per label (rows do not sum to 1) | `SigmoidBinaryCrossEntropy` | per-label threshold |
/// | `.binary` | one sigmoid | `SigmoidBinaryCrossEntropy` | threshold |
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

    /// The loss that matches the task's output layer, with mean reduction:
    /// `SoftmaxCrossEntropy` for `.multiClass`, `SigmoidBinaryCrossEntropy` otherwise.
    public var defaultLoss: any LossFunction {
        switch self {
        case .multiClass: return SoftmaxCrossEntropy()
        case .multiLabel, .binary: return SigmoidBinaryCrossEntropy()
        }
    }

    /// The name of `defaultLoss` for `LossKind`.
    public var defaultLossKind: LossKind {
        switch self {
        case .multiClass: return .ce
        case .multiLabel, .binary: return .bce
        }
    }

    /// The output activation for prediction: row softmax for `.multiClass`, elementwise sigmoid
    /// (independent per label) for `.multiLabel` / `.binary`. `out` is resized to `B x C`.
    /// - Throws: `LogitsError.shapeMismatch` if `logits` does not have `outputCount` columns.
    public func probabilities(logits: Matrix, into out: inout Matrix) throws {
        try checkColumns(logits)
        switch self {
        case .multiClass: softmax(rowsOf: logits, into: &out)
        case .multiLabel, .binary: sigmoid(elementsOf: logits, into: &out)
        }
    }

    /// Decisions with the task's rule: `.classIndices` (argmax, lowest index among ties) for
    /// `.multiClass`, a `B x C` 0/1 `.matrix` (`σ(z) > threshold`) otherwise.
    /// - Throws: on a shape mismatch, a NaN logit, or a threshold outside (0, 1).
    public func decide(logits: Matrix, threshold: Float = 0.5) throws -> Targets {
        try decide(logits: logits, thresholds: [Float](repeating: threshold, count: logits.cols))
    }

    /// As `decide(logits:threshold:)` with one probability threshold per label (ignored for
    /// `.multiClass`): converted to logit thresholds `log(t / (1 - t))` and passed to
    /// `decide(logits:logitThresholds:)`.
    public func decide(logits: Matrix, thresholds: [Float]) throws -> Targets {
        var cut = [Double](repeating: 0, count: thresholds.count)
        for (j, t) in thresholds.enumerated() {
            guard t > 0 && t < 1 else {
                throw LogitsError.invalidValue("threshold[\(j)] = \(t), expected a probability in (0, 1)")
            }
            cut[j] = log(Double(t)) - log1p(-Double(t))  // logit(t), compared in Double
        }
        if case .multiClass = self { cut = [] }
        return try decide(logits: logits, logitThresholds: cut)
    }

    /// The library's one decision rule, on logits: `.classIndices` (argmax, lowest index among
    /// ties) for `.multiClass`; for `.multiLabel` / `.binary` a `B x C` 0/1 `.matrix` with
    /// entry `[i][j] = 1` iff `z_ij > t_j` (strictly greater), `t_j = logitThresholds[j]`.
    ///
    /// On the logit, `σ(z) > p  <=>  z > log(p / (1 - p))` exactly, immune to `σ` rounding to
    /// 0.5 or 1 in `Float` (e.g. `z = 1e-8 > 0` is positive at p = 0.5, while `Float(σ(1e-8))`
    /// is exactly 0.5).
    /// - Throws: on a shape mismatch (thresholds: `C` values, ignored for multi-class) or a NaN logit.
    public func decide(logits: Matrix, logitThresholds cut: [Double]) throws -> Targets {
        try checkColumns(logits)
        if let k = logits.storage.firstIndex(where: { $0.isNaN }) {
            let c = Swift.max(logits.cols, 1)
            throw LogitsError.nonFinite("logit [\(k / c)][\(k % c)] is NaN; no decision possible")
        }
        switch self {
        case .multiClass:
            return .classIndices(Prediction.argmax(logits))
        case .multiLabel, .binary:
            guard cut.count == logits.cols else {
                throw LogitsError.shapeMismatch("\(cut.count) thresholds for \(logits.cols) labels")
            }
            var out = Matrix(rows: logits.rows, cols: logits.cols)
            for i in 0..<logits.rows {
                for j in 0..<logits.cols where Double(logits[i, j]) > cut[j] { out[i, j] = 1 }
            }
            return .matrix(out)
        }
    }

    private func checkColumns(_ logits: Matrix) throws {
        guard logits.cols == outputCount else {
            throw LogitsError.shapeMismatch("logits have \(logits.cols) columns, the task has \(outputCount) outputs")
        }
    }
}

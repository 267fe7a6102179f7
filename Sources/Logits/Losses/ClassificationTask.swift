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

    /// How predictions are made from the outputs: argmax for exclusive classes, a probability
    /// threshold (0.5 by default) per label otherwise.
    public var decisionRule: DecisionRule {
        switch self {
        case .multiClass: return .argmax
        case .multiLabel, .binary: return .threshold(0.5)
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

    /// As `decide(logits:threshold:)` with one threshold per label (ignored for `.multiClass`).
    ///
    /// The threshold is applied on the logit: `σ(z) > t  <=>  z > log(t / (1 - t))`, exact in
    /// real arithmetic and immune to `σ` rounding to 0.5 or 1 in `Float` (e.g. `z = 1e-8 > 0` is
    /// positive at `t = 0.5`, while `Float(σ(1e-8))` is exactly 0.5).
    public func decide(logits: Matrix, thresholds: [Float]) throws -> Targets {
        try checkColumns(logits)
        if let k = logits.storage.firstIndex(where: { $0.isNaN }) {
            let c = Swift.max(logits.cols, 1)
            throw LogitsError.nonFinite("logit [\(k / c)][\(k % c)] is NaN; no decision possible")
        }
        switch self {
        case .multiClass:
            var y = [Int](repeating: 0, count: logits.rows)
            for i in 0..<logits.rows {
                var best = 0
                for j in 1..<Swift.max(logits.cols, 1) where logits[i, j] > logits[i, best] { best = j }
                y[i] = best
            }
            return .classIndices(y)
        case .multiLabel, .binary:
            guard thresholds.count == logits.cols else {
                throw LogitsError.shapeMismatch("\(thresholds.count) thresholds for \(logits.cols) labels")
            }
            var cut = [Double](repeating: 0, count: thresholds.count)
            for (j, t) in thresholds.enumerated() {
                guard t > 0 && t < 1 else {
                    throw LogitsError.invalidValue("threshold[\(j)] = \(t), expected a probability in (0, 1)")
                }
                cut[j] = log(Double(t)) - log1p(-Double(t))  // logit(t), compared in Double
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

/// How a classifier turns scores into decisions.
public enum DecisionRule: Sendable, Equatable, Hashable {
    /// The highest-scoring class (mutually exclusive classes).
    case argmax
    /// Every label whose probability is strictly greater than the threshold.
    case threshold(Float)
}


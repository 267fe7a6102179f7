import Foundation

/// A trained classifier: the one object users load, run and save.
///
/// It bundles everything needed to go from raw feature rows to decisions:
///
/// | part | what |
/// | --- | --- |
/// | `network` | the MLP (`D` inputs → `C` logits) |
/// | `task` | `.multiClass(classes: C)` (softmax, argmax) or `.multiLabel(labels: C)` / `.binary` (sigmoid, thresholds) |
/// | `featureNames` | `D` names; input columns are matched to them by name (`align`) |
/// | `labelNames` | `C` class or label names, in output order |
/// | `termWeighting` | TF-IDF of term counts (`TermWeighting`), applied first, or `nil` |
/// | `standardizer` | `x' = (x − mean) / scale`, fitted on the training rows, or `nil` |
/// | `logitThresholds` | per-label decision thresholds `t_j` on the logit (multi-label/binary; empty for multi-class) |
///
/// **One decision rule.** Multi-class: `argmax_j z_j` (the lowest index among ties).
/// Multi-label: label `j` is on iff `z_j > t_j`, on the logit. This equals `σ(z_j) > σ(t_j)` in
/// real arithmetic and does not suffer from `σ` rounding to 0 or 1 in `Float`. A probability
/// threshold `p` is the logit threshold `log(p / (1 − p))` (0.5 ↦ 0).
///
/// A `Classifier` is immutable after construction and safe to share across threads: every
/// inference call uses its own workspace, and nothing mutates the network's weights.
public final class Classifier: @unchecked Sendable {
    /// The network (`D` inputs → `C` logits). Not mutated by any `Classifier` method.
    public let network: MLP
    /// The task, which fixes the output activation and the decision rule.
    public let task: ClassificationTask
    /// `C` class or label names, in output order.
    public let labelNames: [String]
    /// `D` feature names, in input order.
    public let featureNames: [String]
    /// TF-IDF weighting of the raw term counts, applied first (before `standardizer`), or `nil`.
    public let termWeighting: TermWeighting?
    /// Standardization of the raw (or TF-IDF weighted) features, applied before the network.
    public let standardizer: Standardizer?
    /// `C` logit thresholds (multi-label / binary); empty for multi-class.
    public let logitThresholds: [Double]
    /// The first layer's bias with the standardizer's centring folded in, `b − W s` for
    /// `s = standardizer.sparseInputShift` (`nil` when it does not centre): sparse rows then need
    /// no `out x D` pass per batch. Computed once here; the network's weights must not change
    /// afterwards.
    public let sparseFoldedBias: Matrix?

    /// Number of input features `D`.
    public var inputCount: Int { network.inputCount }
    /// Number of outputs (logits per row) `C`.
    public var outputCount: Int { network.outputCount }
    /// Whether the classes are mutually exclusive (softmax / argmax).
    public var isMultiClass: Bool {
        if case .multiClass = task { return true }
        return false
    }

    /// Assembles a classifier, checking that the parts agree.
    /// - Parameters:
    ///   - network: the trained MLP (`D` inputs, `C` outputs).
    ///   - task: the task; its output count must be `C`.
    ///   - labelNames: `C` class or label names.
    ///   - featureNames: `D` feature names (`nil`: `f0, f1, ...`).
    ///   - standardizer: the feature standardization fitted at training, or `nil`.
    ///   - termWeighting: TF-IDF weights fitted at training (applied before the standardizer), or `nil`.
    ///   - logitThresholds: one threshold for every label, `C` thresholds, or `nil`/empty for the
    ///     default 0 (probability 0.5). Ignored (stored empty) for multi-class.
    /// - Throws: `LogitsError.shapeMismatch` when names, standardizer or thresholds do not fit the
    ///   network; `LogitsError.invalidValue` for a non-finite threshold.
    public init(network: MLP, task: ClassificationTask, labelNames: [String], featureNames: [String]? = nil,
                standardizer: Standardizer? = nil, logitThresholds: [Double]? = nil,
                termWeighting: TermWeighting? = nil) throws {
        let c = network.outputCount, d = network.inputCount
        guard task.outputCount == c else {
            throw LogitsError.shapeMismatch("task has \(task.outputCount) outputs, the network \(c)")
        }
        guard labelNames.count == c else {
            throw LogitsError.shapeMismatch("\(labelNames.count) label names for \(c) outputs")
        }
        let features = featureNames ?? (0..<d).map { "f\($0)" }
        guard features.count == d else {
            throw LogitsError.shapeMismatch("\(features.count) feature names for \(d) inputs")
        }
        if let standardizer, standardizer.featureCount != d {
            throw LogitsError.shapeMismatch("standardizer has \(standardizer.featureCount) features, the network \(d) inputs")
        }
        if let termWeighting, termWeighting.featureCount != d {
            throw LogitsError.shapeMismatch("TF-IDF weights for \(termWeighting.featureCount) features, the network has \(d) inputs")
        }
        self.network = network
        self.task = task
        self.labelNames = labelNames
        self.featureNames = features
        self.standardizer = standardizer
        self.termWeighting = termWeighting
        if let shift = standardizer?.sparseInputShift, let first = network.firstDense {
            self.sparseFoldedBias = try first.foldedBias(inputShift: shift)
        } else {
            self.sparseFoldedBias = nil
        }
        if case .multiClass = task {
            self.logitThresholds = []
        } else {
            self.logitThresholds = try Self.expand(logitThresholds ?? [], outputs: c)
        }
    }

    /// A copy with other decision thresholds (`nil`/empty: 0, i.e. probability 0.5).
    public func with(logitThresholds: [Double]?) throws -> Classifier {
        try Classifier(network: network, task: task, labelNames: labelNames, featureNames: featureNames,
                       standardizer: standardizer, logitThresholds: logitThresholds, termWeighting: termWeighting)
    }

    /// Whether the thresholds are the default (every `t_j == 0`, probability 0.5).
    public var hasDefaultThresholds: Bool { logitThresholds.allSatisfy { $0 == 0 } }

    /// `[]` → `C` zeros, `[t]` → `C` copies of `t`, `C` values → themselves.
    static func expand(_ thresholds: [Double], outputs c: Int) throws -> [Double] {
        if let bad = thresholds.first(where: { !$0.isFinite }) {
            throw LogitsError.invalidValue("decision threshold \(bad) is not finite")
        }
        switch thresholds.count {
        case 0: return [Double](repeating: 0, count: c)
        case 1: return [Double](repeating: thresholds[0], count: c)
        case c: return thresholds
        default: throw LogitsError.shapeMismatch("\(thresholds.count) decision thresholds for \(c) labels (expected 1 or \(c))")
        }
    }

    /// The logit of a probability threshold: `log(p / (1 − p))`.
    /// - Throws: `LogitsError.invalidValue` unless `0 < p < 1`.
    public static func logitThreshold(probability p: Double) throws -> Double {
        guard p > 0 && p < 1 else {
            throw LogitsError.invalidValue("a probability threshold must be strictly between 0 and 1, got \(p)")
        }
        return log(p) - log1p(-p)
    }
}

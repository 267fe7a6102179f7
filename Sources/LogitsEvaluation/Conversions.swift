import Logits
import LogitsMetrics

/// Conversions between the network library's types and the metrics library's.
extension ScoreMatrix {
    /// The `N x C` logits as metric scores (exact: every `Float` is a `Double`).
    public init(logits: Matrix) throws {
        try self.init(rows: logits.rows, cols: logits.cols, floats: logits.storage)
    }
}

extension BinaryMatrix {
    /// The 0/1 truth of `targets`: a label matrix as is, class indices as one-hot rows of `outputs`.
    public init(targets: Targets, outputs: Int) throws {
        switch targets {
        case .matrix(let m):
            try self.init(rows: m.rows, cols: m.cols, values: m.storage.map { $0 != 0 ? 1 : 0 })
        case .classIndices(let y):
            var v = [UInt8](repeating: 0, count: y.count * outputs)
            for (i, c) in y.enumerated() where c >= 0 && c < outputs { v[i * outputs + c] = 1 }
            try self.init(rows: y.count, cols: outputs, values: v)
        }
    }
}

/// Per-output ranking scores for curves and AUCs.
public enum CurveScores {
    /// The score that ranks rows for output `c`: the logit `z_c` itself for multi-label (monotone
    /// in `σ(z_c)`), and for multi-class the one-vs-rest log-odds
    /// `z_c − log Σ_{k≠c} exp(z_k) = log(p_c / (1 − p_c))`, monotone in the softmax
    /// probability `p_c` (a raw logit is not: it ignores the other classes).
    public static func scores(logits: Matrix, task: ClassificationTask) throws -> ScoreMatrix {
        let z = try ScoreMatrix(logits: logits)
        if case .multiClass = task { return SoftmaxMath.logOdds(z) }
        return z
    }
}

extension LabelPropensity {
    /// Jain et al.'s propensity model (`LabelPropensity`) of a multi-label training set, for the
    /// labels `labelNames` (a model's, matched by name):
    /// `N` = the set's rows, `N_l` = its rows where label `l` is positive and observed (its
    /// `labelMask`); a label the set does not have gets `N_l = 0`.
    /// - Throws: for a multi-class set, or a label of the set that `labelNames` does not have.
    public init(training data: Dataset, labelNames: [String], source: String,
                a: Double = LabelPropensity.defaultA, b: Double = LabelPropensity.defaultB) throws {
        guard case .matrix(let y) = data.targets else {
            throw LogitsError.invalidValue("'\(source)' is not a multi-label data set; propensities need label columns")
        }
        var counts = [Int](repeating: 0, count: y.cols)
        for r in 0..<y.rows {
            for c in 0..<y.cols where y[r, c] != 0 && (data.labelMask.map { $0[r, c] != 0 } ?? true) { counts[c] += 1 }
        }
        var out = [Int](repeating: 0, count: labelNames.count)
        if data.labelNames == labelNames {
            out = counts
        } else {
            let index = Dictionary(labelNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for (c, name) in data.labelNames.enumerated() {
                guard let j = index[name] else {
                    throw LogitsError.invalidValue("'\(source)' has the label '\(name)' that the model does not know")
                }
                out[j] += counts[c]
            }
        }
        try self.init(labelCounts: out, trainingRows: y.rows, a: a, b: b)
    }
}

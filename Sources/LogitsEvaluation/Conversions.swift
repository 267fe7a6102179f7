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

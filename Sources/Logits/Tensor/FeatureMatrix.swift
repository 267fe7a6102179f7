/// Features of a data set or a batch, held dense (`Matrix`) or sparse (`SparseMatrix`, CSR):
/// what `Trainer.fit` and `Classifier.logits` accept. Only the first `Dense` layer of an `MLP`
/// sees the difference (a sparse-dense product instead of a GEMM); everything after it is dense.
public enum FeatureMatrix: Sendable, Equatable {
    /// `N x D` dense rows.
    case dense(Matrix)
    /// `N x D` CSR rows.
    case sparse(SparseMatrix)

    /// `N`.
    public var rows: Int {
        switch self {
        case .dense(let m): return m.rows
        case .sparse(let s): return s.rows
        }
    }

    /// `D`.
    public var cols: Int {
        switch self {
        case .dense(let m): return m.cols
        case .sparse(let s): return s.cols
        }
    }

    /// Whether the rows are CSR.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// The rows at `indices` (in that order; they come from code and lie in `0..<rows`).
    public func gatherRows(_ indices: [Int]) -> FeatureMatrix {
        switch self {
        case .dense(let m): return .dense(m.gatherRows(indices))
        case .sparse(let s): return .sparse(s.gatherRows(indices))
        }
    }

    /// Non-finite values (NaN, ±inf) anywhere: true when one exists.
    var containsNonFinite: Bool {
        switch self {
        case .dense(let m): return m.storage.contains { !$0.isFinite }
        case .sparse(let s): return s.values.contains { !$0.isFinite }
        }
    }
}

/// Batched inference on sparse (CSR) or mixed input: raw features → scaled → logits, never
/// densified.
///
/// Each batch of at most `inferenceBatchRows` rows is TF-IDF weighted (if the model has it) and
/// divided by the standardizer's scales; when the standardizer also centres (binary columns,
/// or a model trained on dense data) the first layer subtracts `mean / scale` itself
/// (`Standardizer.sparseInputShift`: the first layer's bias becomes `b − W s`, computed once when
/// the classifier is made, `sparseFoldedBias`), which equals the dense `(x − mean) / scale` up to
/// rounding.
extension Classifier {
    /// Logits `N x C` of raw features, dense or sparse.
    /// - Throws: `LogitsError.shapeMismatch` when the feature count is not `D`.
    public func logits(_ features: FeatureMatrix) throws -> Matrix {
        switch features {
        case .dense(let m):
            return try logits(m)
        case .sparse(let s):
            var workspace = ModelWorkspace()
            var out = Matrix(rows: 0, cols: 0)
            try logits(s, into: &out, workspace: &workspace)
            return out
        }
    }

    /// Logits of sparse raw features into `out` (resized to `N x C`), in batches of
    /// `inferenceBatchRows` rows, with the caller's workspace.
    public func logits(_ features: SparseMatrix, into out: inout Matrix, workspace: inout ModelWorkspace) throws {
        let d = inputCount, c = outputCount, n = features.rows
        guard features.cols == d else {
            throw LogitsError.shapeMismatch("\(features.cols) features per row, the model expects \(d)")
        }
        out.resize(rows: n, cols: c)
        let shift = standardizer?.sparseInputShift
        var batch = SparseMatrix(cols: d)
        var batchOut = Matrix(rows: 0, cols: c)
        var start = 0
        while start < n {
            let end = min(n, start + Self.inferenceBatchRows)
            features.gatherRows(start..<end, into: &batch)
            if let termWeighting { try termWeighting.apply(to: &batch) }  // keeps the zeros
            if let standardizer { try standardizer.divide(&batch) }
            try network.logits(.sparse(batch), inputShift: shift, foldedBias: sparseFoldedBias, into: &batchOut, workspace: &workspace)
            out.withUnsafeMutableBufferPointer { dst in
                batchOut.withUnsafeBufferPointer { src in
                    guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                    (t + start * c).update(from: s, count: (end - start) * c)
                }
            }
            start = end
        }
    }

    /// Probabilities `N x C` of raw features, dense or sparse.
    public func probabilities(_ features: FeatureMatrix) throws -> Matrix {
        probabilities(logits: try logits(features))
    }

    /// The features of `data` (dense or sparse) in the classifier's column order (see `align`).
    public func alignFeatures(of data: Dataset, source: String) throws -> FeatureMatrix {
        switch data.featureMatrix {
        case .dense(let m):
            return .dense(try alignFeatures(Self.widenNumbered(m, names: data.featureNames, to: featureNames), names: Self.widenedNames(data.featureNames, to: featureNames), source: source))
        case .sparse(let s):
            let names = Self.widenedNames(data.featureNames, to: featureNames)
            var widened = s
            if names.count != s.cols {
                widened = SparseMatrix(unchecked: s.rows, cols: names.count, rowOffsets: s.rowOffsets,
                                       columnIndices: s.columnIndices, values: s.values)
            }
            guard let permutation = try Self.columnPermutation(of: names, to: featureNames, source: source) else {
                return .sparse(widened)
            }
            return .sparse(try widened.gatherColumns(permutation))
        }
    }

    /// LIBSVM-style names (`"1", "2", ..., "k"`, consecutive integers) of a file whose largest
    /// index is below the model's: the missing trailing columns are all zero, so the names are
    /// extended to the model's when the model's are the same sequence continued.
    static func widenedNames(_ names: [String], to expected: [String]) -> [String] {
        guard names.count < expected.count, !names.isEmpty, Array(expected.prefix(names.count)) == names,
              let first = Int(names[0]) else { return names }
        for (k, name) in expected.enumerated() where Int(name) != first + k { return names }
        return expected
    }

    /// `m` with zero columns appended when `widenedNames` extends its names.
    static func widenNumbered(_ m: Matrix, names: [String], to expected: [String]) -> Matrix {
        let widened = widenedNames(names, to: expected)
        guard widened.count != names.count else { return m }
        var out = Matrix(rows: m.rows, cols: widened.count)
        for r in 0..<m.rows { for c in 0..<m.cols { out[r, c] = m[r, c] } }
        return out
    }
}

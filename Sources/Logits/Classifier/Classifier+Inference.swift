import Foundation

/// Batched inference: raw features → TF-IDF weighted (if fitted) → standardized → logits →
/// probabilities → decisions.
extension Classifier {
    /// Rows per forward pass in the batched calls (bounds the workspace memory).
    public static let inferenceBatchRows = 1024

    /// Logits `N x C` of raw (unstandardized) features `N x D`, computed in batches of
    /// `inferenceBatchRows` rows with a private workspace (safe to call concurrently).
    /// - Throws: `LogitsError.shapeMismatch` when `features.cols != D`.
    public func logits(_ features: Matrix) throws -> Matrix {
        var workspace = ModelWorkspace()
        var out = Matrix(rows: 0, cols: 0)
        try logits(features, into: &out, workspace: &workspace)
        return out
    }

    /// As `logits(_:)`, writing into `out` (resized to `N x C`) with the caller's workspace, so a
    /// server loop allocates nothing once the buffers have their size.
    public func logits(_ features: Matrix, into out: inout Matrix, workspace: inout ModelWorkspace) throws {
        let d = inputCount, c = outputCount, n = features.rows
        guard features.cols == d else {
            throw LogitsError.shapeMismatch("\(features.cols) features per row, the model expects \(d)")
        }
        out.resize(rows: n, cols: c)
        var batch = Matrix(rows: 0, cols: d)
        var batchOut = Matrix(rows: 0, cols: c)
        var start = 0
        while start < n {
            let end = min(n, start + Self.inferenceBatchRows)
            batch.resize(rows: end - start, cols: d)
            batch.withUnsafeMutableBufferPointer { dst in
                features.withUnsafeBufferPointer { src in
                    guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                    t.update(from: s + start * d, count: (end - start) * d)
                }
            }
            if let termWeighting { try termWeighting.apply(to: &batch) }
            if let standardizer { try standardizer.apply(to: &batch) }
            try network.logits(batch, into: &batchOut, workspace: &workspace)
            out.withUnsafeMutableBufferPointer { dst in
                batchOut.withUnsafeBufferPointer { src in
                    guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                    (t + start * c).update(from: s, count: (end - start) * c)
                }
            }
            start = end
        }
    }

    /// Probabilities `N x C` of logits: softmax per row (multi-class: rows sum to 1) or an
    /// independent sigmoid per label (multi-label: rows need not sum to 1).
    public func probabilities(logits: Matrix) -> Matrix {
        var out = Matrix(rows: 0, cols: 0)
        Prediction.probabilities(logits: logits, task: task, into: &out)
        return out
    }

    /// Probabilities `N x C` of raw features.
    public func probabilities(_ features: Matrix) throws -> Matrix {
        probabilities(logits: try logits(features))
    }

    /// Decisions with the classifier's one rule: class indices (argmax) for multi-class, a
    /// `N x C` 0/1 matrix (`z_j > t_j`) for multi-label.
    /// - Parameters:
    ///   - logits: `N x C` logits.
    ///   - logitThresholds: overrides the stored thresholds (1 or `C` values).
    /// - Throws: `LogitsError.nonFinite` for a NaN logit; `.shapeMismatch` for a wrong width.
    public func decide(logits: Matrix, logitThresholds: [Double]? = nil) throws -> Targets {
        try task.decide(logits: logits, logitThresholds: try logitThresholds.map { try Self.expand($0, outputs: outputCount) } ?? self.logitThresholds)
    }

    /// The predicted output indices of every row: `[argmax]` for multi-class, the labels that are
    /// on (ascending) for multi-label.
    public func predictedIndices(logits: Matrix, logitThresholds: [Double]? = nil) throws -> [[Int]] {
        switch try decide(logits: logits, logitThresholds: logitThresholds) {
        case .classIndices(let y):
            return y.map { [$0] }
        case .matrix(let m):
            return (0..<m.rows).map { r in (0..<m.cols).filter { m[r, $0] != 0 } }
        }
    }
}

/// Prediction: logits, probabilities and decisions, for a batch or one example.
///
/// The allocating forms are conveniences; hot callers use the `into:workspace:` forms, which write
/// into caller-owned buffers and allocate nothing once those have reached the batch size.
extension MLP {
    /// Logits `B x outputs` of `x` (`B x inputs`), evaluation mode (dropout off).
    public func logits(_ x: Matrix) throws -> Matrix {
        var ws = ModelWorkspace()
        var out = Matrix(rows: 0, cols: 0)
        try logits(x, into: &out, workspace: &ws)
        return out
    }

    /// Logits of `x` written into `out` (resized to `B x outputs`) using the caller's `workspace`.
    public func logits(_ x: Matrix, into out: inout Matrix, workspace: inout ModelWorkspace) throws {
        try forward(x, workspace: &workspace, training: false)
        let src = workspace.outputs[workspace.outputs.count - 1]
        out.resize(rows: src.rows, cols: src.cols)
        out.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in
                if let da = d.baseAddress, let sa = s.baseAddress { da.update(from: sa, count: s.count) }
            }
        }
    }

    /// Logits `B x outputs` of dense or sparse features, evaluation mode (allocating form);
    /// `inputShift` as in `forward(_:inputShift:workspace:training:)`.
    public func logits(_ x: FeatureMatrix, inputShift: [Float]? = nil) throws -> Matrix {
        var ws = ModelWorkspace()
        var out = Matrix(rows: 0, cols: 0)
        try logits(x, inputShift: inputShift, into: &out, workspace: &ws)
        return out
    }

    /// Logits of dense or sparse features written into `out` (resized to `B x outputs`);
    /// `foldedBias` as in `forward(_:inputShift:foldedBias:workspace:training:)`.
    public func logits(_ x: FeatureMatrix, inputShift: [Float]? = nil, foldedBias: Matrix? = nil,
                       into out: inout Matrix, workspace: inout ModelWorkspace) throws {
        try forward(x, inputShift: inputShift, foldedBias: foldedBias, workspace: &workspace, training: false)
        let src = workspace.outputs[workspace.outputs.count - 1]
        out.resize(rows: src.rows, cols: src.cols)
        out.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in
                if let da = d.baseAddress, let sa = s.baseAddress { da.update(from: sa, count: s.count) }
            }
        }
    }

    /// Logits of one example (`inputs` features).
    /// - Throws: `LogitsError.shapeMismatch` for a wrong feature count.
    public func logits(example: [Float]) throws -> [Float] {
        try logits(Matrix(rows: 1, cols: example.count, storage: example)).storage
    }

    /// Probabilities of `x` for `task`: softmax per row (`multiClass`, rows sum to 1) or an
    /// independent sigmoid per output (`multiLabel`, `binary`; rows need not sum to 1).
    /// - Throws: `LogitsError.shapeMismatch` when `task.outputCount != outputs`.
    public func probabilities(_ x: Matrix, task: ClassificationTask) throws -> Matrix {
        var ws = ModelWorkspace()
        var out = Matrix(rows: 0, cols: 0)
        try probabilities(x, task: task, into: &out, workspace: &ws)
        return out
    }

    /// Probabilities written into `out` with the caller's `workspace` (no allocation once sized).
    public func probabilities(
        _ x: Matrix, task: ClassificationTask, into out: inout Matrix, workspace: inout ModelWorkspace
    ) throws {
        guard task.outputCount == spec.outputs else {
            throw LogitsError.shapeMismatch("task has \(task.outputCount) outputs, the model \(spec.outputs)")
        }
        try forward(x, workspace: &workspace, training: false)
        let z = workspace.outputs[workspace.outputs.count - 1]
        Prediction.probabilities(logits: z, task: task, into: &out)
    }

    /// Probabilities of one example.
    public func probabilities(example: [Float], task: ClassificationTask) throws -> [Float] {
        try probabilities(Matrix(rows: 1, cols: example.count, storage: example), task: task).storage
    }
}

/// Turning logits into probabilities and decisions.
public enum Prediction {
    /// Softmax rows (`multiClass`) or elementwise sigmoid (`multiLabel`, `binary`) of `logits` into `out`.
    public static func probabilities(logits z: Matrix, task: ClassificationTask, into out: inout Matrix) {
        switch task {
        case .multiClass:
            softmax(rowsOf: z, into: &out)
        case .multiLabel, .binary:
            out.resize(rows: z.rows, cols: z.cols)
            out.withUnsafeMutableBufferPointer { o in
                z.withUnsafeBufferPointer { s in
                    for i in 0..<s.count { o[i] = sigmoid(s[i]) }
                }
            }
        }
    }

    /// The index of each row's largest score (the first one on ties; a NaN row gives the NaN's index).
    public static func argmax(_ scores: Matrix) -> [Int] {
        var out = [Int](repeating: 0, count: scores.rows)
        argmax(scores, into: &out)
        return out
    }

    /// `argmax` into a caller-owned array (resized to `rows`).
    public static func argmax(_ scores: Matrix, into out: inout [Int]) {
        if out.count != scores.rows { out = [Int](repeating: 0, count: scores.rows) }
        let c = scores.cols
        scores.withUnsafeBufferPointer { s in
            for r in 0..<scores.rows {
                var best = 0
                var bestValue = -Float.infinity
                for j in 0..<c {
                    let v = s[r * c + j]
                    if v.isNaN { best = j; break }
                    if v > bestValue || j == 0 { bestValue = v; best = j }
                }
                out[r] = best
            }
        }
    }

    /// The `k` highest-scoring columns of each row, best first (ties: lower index first).
    /// `k` is clamped to `0...cols`.
    public static func topK(_ scores: Matrix, k: Int) -> [[Int]] {
        let c = scores.cols
        let kk = max(0, min(k, c))
        var result: [[Int]] = []
        result.reserveCapacity(scores.rows)
        var order = Array(0..<c)
        for r in 0..<scores.rows {
            let base = r * c
            for j in 0..<c { order[j] = j }
            order.sort { a, b in
                let va = scores.storage[base + a], vb = scores.storage[base + b]
                return va > vb || (va == vb && a < b)
            }
            result.append(Array(order.prefix(kk)))
        }
        return result
    }
}

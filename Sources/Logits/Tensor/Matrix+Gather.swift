/// Copying rows or columns into a new matrix: the one row-gather routine of the library.
extension Matrix {
    /// The rows at `indices`, in that order (repeats allowed): `out[k, :] = self[indices[k], :]`.
    /// Indices must lie in `0..<rows` (they come from code: a split, a shuffle, a fold).
    public func gatherRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        gatherRows(indices, into: &out)
        return out
    }

    /// `gatherRows` into a caller-owned matrix (resized to `indices.count x cols`; no allocation
    /// once it has the capacity), for per-batch loops.
    public func gatherRows<C: Collection>(_ indices: C, into out: inout Matrix) where C.Element == Int {
        let d = cols
        out.resize(rows: indices.count, cols: d)
        guard d > 0 else { return }
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                for (k, r) in indices.enumerated() {
                    precondition(r >= 0 && r < rows, "gatherRows: row \(r) outside 0..<\(rows)")  // trap-ok: indices come from code, never from input
                    (t + k * d).update(from: s + r * d, count: d)
                }
            }
        }
    }

    /// The columns at `indices`, in that order: `out[:, k] = self[:, indices[k]]`.
    public func gatherColumns(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: rows, cols: indices.count)
        let d = cols, w = indices.count
        for i in indices {
            precondition(i >= 0 && i < d, "gatherColumns: column \(i) outside 0..<\(d)")  // trap-ok: indices come from code, never from input
        }
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows {
                    for (k, c) in indices.enumerated() { dst[r * w + k] = src[r * d + c] }
                }
            }
        }
        return out
    }
}

extension Targets {
    /// The targets of rows `indices`, in that order (allocates): class indices picked, or the
    /// label matrix's rows gathered with `Matrix.gatherRows`.
    public func gatherRows(_ indices: [Int]) -> Targets {
        switch self {
        case .classIndices(let y): return .classIndices(indices.map { y[$0] })
        case .matrix(let m): return .matrix(m.gatherRows(indices))
        }
    }
}

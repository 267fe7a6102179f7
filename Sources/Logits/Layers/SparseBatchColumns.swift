/// A sparse batch `X` (`B x D`, CSR) regrouped by column (CSC over the batch's distinct columns
/// only), plus the per-thread accumulators of the sparse `Dense` kernels. Built once per forward
/// pass by `MLP` and kept for the backward pass of the same batch.
///
/// After `build(x)`:
/// - `columns[u]`, `u in 0..<columns.count`: the distinct input columns present in the batch, ascending;
/// - `rowIndex[k]`, `values[k]` for `k in offsets[u] ..< offsets[u + 1]`: the batch rows (ascending)
///   and values of column `columns[u]`;
/// - `slot[c]`: `u` for a present column `c`, -1 for an absent one (`D` entries).
///
/// Building costs `O(nnz + U log U)` (`U` distinct columns) and allocates nothing once the
/// buffers have reached the largest batch; nothing of size `B x D` exists.
public final class SparseBatchColumns {
    /// Rows `B` of the batch.
    public private(set) var rows = 0
    /// Input columns `D`.
    public private(set) var cols = 0
    var slot: [Int32] = []
    var columns: [Int32] = []
    var offsets: [Int] = [0]
    var rowIndex: [Int32] = []
    var values: [Float] = []
    /// Accumulators of the `Dense` kernels: `parts x B` lanes of 8 outputs.
    var lanes: [SIMD8<Float>] = []
    /// `1 x out` scratch of the first layer's shifted bias `b − W s` (centred sparse input).
    var shiftedBias = Matrix(rows: 0, cols: 0)
    /// The batch itself, row by row (CSR, a copy of `build`'s argument): the transposed-weight
    /// kernels read it row-wise.
    var rowOffsets: [Int] = [0]
    var rowColumns: [Int32] = []
    var rowValues: [Float] = []
    /// `out` doubles of scratch for the shifted bias of the transposed layout.
    var shiftAccumulator: [Double] = []

    public init() {}

    /// Number of distinct columns in the batch.
    public var distinctColumns: Int { columns.count }

    /// Regroups `x` by column (see the type).
    public func build(_ x: SparseMatrix) {
        let d = x.cols, nnz = x.nnz
        if slot.count != d {
            slot = [Int32](repeating: -1, count: d)
        } else {
            for c in columns { slot[Int(c)] = -1 }
        }
        rows = x.rows
        cols = d
        var distinct = columns
        columns = []
        distinct.removeAll(keepingCapacity: true)
        var offs = offsets
        offsets = []
        var ri = rowIndex, vs = values
        rowIndex = []
        values = []
        ri.removeAll(keepingCapacity: true)
        vs.removeAll(keepingCapacity: true)
        ri.append(contentsOf: repeatElement(0, count: nnz))
        vs.append(contentsOf: repeatElement(0, count: nnz))
        slot.withUnsafeMutableBufferPointer { mark in
            x.withUnsafeBuffers { xo, xc, xv in
                for k in 0..<nnz where mark[Int(xc[k])] < 0 {
                    mark[Int(xc[k])] = 0
                    distinct.append(xc[k])
                }
                distinct.sort()
                let u = distinct.count
                offs.removeAll(keepingCapacity: true)
                offs.append(contentsOf: repeatElement(0, count: u + 1))
                for (j, c) in distinct.enumerated() { mark[Int(c)] = Int32(j) }
                for k in 0..<nnz { offs[Int(mark[Int(xc[k])]) + 1] += 1 }
                for j in 0..<u { offs[j + 1] += offs[j] }
                // Fill row by row, so that each column lists its rows ascending; `offs[j]` serves
                // as the fill cursor and is shifted back afterwards.
                for r in 0..<x.rows {
                    for k in xo[r]..<xo[r + 1] {
                        let j = Int(mark[Int(xc[k])])
                        ri[offs[j]] = Int32(r)
                        vs[offs[j]] = xv[k]
                        offs[j] += 1
                    }
                }
                var j = u
                while j > 0 { offs[j] = offs[j - 1]; j -= 1 }
                offs[0] = 0
            }
        }
        columns = distinct
        offsets = offs
        rowIndex = ri
        values = vs
        x.withUnsafeBuffers { xo, xc, xv in
            rowOffsets.removeAll(keepingCapacity: true)
            rowOffsets.append(contentsOf: xo)
            rowColumns.removeAll(keepingCapacity: true)
            rowColumns.append(contentsOf: xc)
            rowValues.removeAll(keepingCapacity: true)
            rowValues.append(contentsOf: xv)
        }
    }

    /// The column grouping's buffers (see the type), valid only inside `body`.
    struct Buffers {
        let columns: UnsafeBufferPointer<Int32>
        let offsets: UnsafeBufferPointer<Int>
        let rowIndex: UnsafeBufferPointer<Int32>
        let values: UnsafeBufferPointer<Float>
        let slot: UnsafeBufferPointer<Int32>
    }

    /// Calls `body` with the column grouping's buffers.
    func withBuffers<R>(_ body: (Buffers) throws -> R) rethrows -> R {
        try columns.withUnsafeBufferPointer { c in
            try offsets.withUnsafeBufferPointer { o in
                try rowIndex.withUnsafeBufferPointer { r in
                    try values.withUnsafeBufferPointer { v in
                        try slot.withUnsafeBufferPointer { s in
                            try body(Buffers(columns: c, offsets: o, rowIndex: r, values: v, slot: s))
                        }
                    }
                }
            }
        }
    }

    /// Makes room for `parts x rows` accumulators (no allocation once large enough).
    func reserveLanes(parts: Int) {
        let needed = parts * rows
        if lanes.count < needed { lanes = [SIMD8<Float>](repeating: .zero, count: needed) }
    }
}

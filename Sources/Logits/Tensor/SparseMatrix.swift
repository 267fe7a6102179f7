/// A sparse `rows x cols` matrix of `Float` in compressed sparse row (CSR) form: the storage of
/// sparse feature data (LIBSVM files, sparse ARFF, TF-IDF text) and of sparse mini-batches.
///
/// Row `r` holds the entries `k` in `rowOffsets[r] ..< rowOffsets[r + 1]`:
///
///     self[r, columnIndices[k]] == values[k]          every other element of row r is 0
///
/// Invariants (checked by the throwing initializer, kept by every operation):
/// - `rowOffsets.count == rows + 1`, `rowOffsets[0] == 0`, non-decreasing, last `== nnz`;
/// - `columnIndices.count == values.count == nnz`;
/// - within a row, column indices lie in `0..<cols` and are strictly ascending (no repeats).
///
/// Stored zeros are allowed (a value may be 0); they cost memory but change no result.
/// Memory: `8 (rows + 1) + 8 nnz` bytes. Like `Matrix`, a value type over copy-on-write arrays;
/// batch loops reuse one matrix through `gatherRows(_:into:)`, which allocates nothing once the
/// buffers have their capacity.
public struct SparseMatrix: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var cols: Int
    /// `rows + 1` offsets into `columnIndices` / `values`.
    public private(set) var rowOffsets: [Int]
    /// Column of every stored entry (ascending within a row).
    public private(set) var columnIndices: [Int32]
    /// Value of every stored entry.
    public private(set) var values: [Float]

    /// An empty `0 x cols` matrix.
    public init(cols: Int) {
        precondition(cols >= 0 && cols <= Int(Int32.max), "SparseMatrix: columns must lie in 0...Int32.max")  // trap-ok: shapes come from code
        rows = 0
        self.cols = cols
        rowOffsets = [0]
        columnIndices = []
        values = []
    }

    /// A CSR matrix from its three arrays, validated.
    /// - Throws: `LogitsError.shapeMismatch` when the array lengths disagree (`rowOffsets` must be
    ///   `rows + 1` long, the others as long as the last offset); `LogitsError.invalidValue` for a
    ///   negative size, `cols > Int32.max`, offsets that do not start at 0 or decrease, or a column
    ///   index outside `0..<cols` or not strictly ascending within its row (naming row and entry).
    public init(rows: Int, cols: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) throws {
        guard rows >= 0, cols >= 0, cols <= Int(Int32.max) else {
            throw LogitsError.invalidValue("sparse matrix \(rows)x\(cols): sizes must be >= 0 and columns <= \(Int32.max)")
        }
        guard rowOffsets.count == rows + 1 else {
            throw LogitsError.shapeMismatch("sparse matrix with \(rows) rows needs \(rows + 1) row offsets, got \(rowOffsets.count)")
        }
        guard rowOffsets[0] == 0 else {
            throw LogitsError.invalidValue("sparse matrix row offsets must start at 0, got \(rowOffsets[0])")
        }
        let nnz = rowOffsets[rows]
        guard columnIndices.count == nnz, values.count == nnz else {
            throw LogitsError.shapeMismatch("sparse matrix: last row offset \(nnz), \(columnIndices.count) column indices, \(values.count) values; expected equal counts")
        }
        for r in 0..<rows {
            let (lo, hi) = (rowOffsets[r], rowOffsets[r + 1])
            guard lo <= hi else {
                throw LogitsError.invalidValue("sparse matrix row offsets decrease at row \(r) (\(lo) then \(hi))")
            }
            var previous: Int32 = -1
            for k in lo..<hi {
                let c = columnIndices[k]
                guard c >= 0, Int(c) < cols else {
                    throw LogitsError.invalidValue("sparse matrix row \(r), entry \(k - lo): column \(c) outside 0..<\(cols)")
                }
                guard c > previous else {
                    throw LogitsError.invalidValue("sparse matrix row \(r), entry \(k - lo): column \(c) follows \(previous); expected strictly ascending columns")
                }
                previous = c
            }
        }
        self.init(unchecked: rows, cols: cols, rowOffsets: rowOffsets, columnIndices: columnIndices, values: values)
    }

    /// Arrays already known to satisfy the invariants (loaders, internal transforms).
    init(unchecked rows: Int, cols: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) {
        self.rows = rows
        self.cols = cols
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The non-zero elements of a dense matrix (exact zeros are dropped; NaN is kept).
    /// - Throws: `LogitsError.invalidValue` when `dense.cols > Int32.max`.
    public init(dense: Matrix) throws {
        guard dense.cols <= Int(Int32.max) else {
            throw LogitsError.invalidValue("sparse matrix: \(dense.cols) columns exceed \(Int32.max)")
        }
        let (n, d) = (dense.rows, dense.cols)
        var offsets = [Int](repeating: 0, count: n + 1)
        var nnz = 0
        dense.withUnsafeBufferPointer { x in
            for i in 0..<x.count where x[i] != 0 { nnz += 1 }
        }
        var cols = [Int32](), vals = [Float]()
        cols.reserveCapacity(nnz)
        vals.reserveCapacity(nnz)
        dense.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for c in 0..<d where x[r * d + c] != 0 {
                    cols.append(Int32(c))
                    vals.append(x[r * d + c])
                }
                offsets[r + 1] = cols.count
            }
        }
        self.init(unchecked: n, cols: d, rowOffsets: offsets, columnIndices: cols, values: vals)
    }

    /// Number of stored entries.
    public var nnz: Int { rowOffsets[rows] }

    /// `nnz / (rows * cols)`, 0 for an empty shape.
    public var density: Double {
        rows == 0 || cols == 0 ? 0 : Double(nnz) / (Double(rows) * Double(cols))
    }

    /// Bytes held by the three arrays.
    public var byteCount: Int { 8 * (rows + 1) + 8 * nnz }

    /// The stored entries of row `r`: ascending columns and their values.
    public func row(_ r: Int) -> (columns: ArraySlice<Int32>, values: ArraySlice<Float>) {
        let range = rowOffsets[r]..<rowOffsets[r + 1]
        return (columnIndices[range], values[range])
    }

    /// Element `(r, c)` (0 when not stored); a binary search in row `r`.
    public subscript(r: Int, c: Int) -> Float {
        var (lo, hi) = (rowOffsets[r], rowOffsets[r + 1])
        let target = Int32(c)
        while lo < hi {
            let mid = (lo + hi) / 2
            if columnIndices[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowOffsets[r + 1] && columnIndices[lo] == target ? values[lo] : 0
    }

    /// The rows at `indices`, in that order (repeats allowed). Indices come from code (a split,
    /// a shuffle) and must lie in `0..<rows`.
    public func gatherRows(_ indices: [Int]) -> SparseMatrix {
        var out = SparseMatrix(cols: cols)
        var total = 0
        for r in indices { total += rowOffsets[r + 1] - rowOffsets[r] }
        out.reserveCapacity(rows: indices.count, nonZeros: total)
        gatherRows(indices, into: &out)
        return out
    }

    /// `gatherRows` into a caller-owned matrix (its shape becomes `indices.count x cols`); no
    /// allocation once it has the capacity (`reserveCapacity`), so batch loops reuse one buffer.
    public func gatherRows<C: Collection>(_ indices: C, into out: inout SparseMatrix) where C.Element == Int {
        out.rows = 0
        out.cols = cols
        out.rowOffsets.removeAll(keepingCapacity: true)
        out.rowOffsets.append(0)
        out.columnIndices.removeAll(keepingCapacity: true)
        out.values.removeAll(keepingCapacity: true)
        for r in indices {
            precondition(r >= 0 && r < rows, "gatherRows: row \(r) outside 0..<\(rows)")  // trap-ok: indices come from code, never from input
            let range = rowOffsets[r]..<rowOffsets[r + 1]
            out.columnIndices.append(contentsOf: columnIndices[range])
            out.values.append(contentsOf: values[range])
            out.rowOffsets.append(out.columnIndices.count)
        }
        out.rows = indices.count
    }

    /// Reserves room for `rows` rows and `nonZeros` entries (see `gatherRows(_:into:)`).
    public mutating func reserveCapacity(rows: Int, nonZeros: Int) {
        rowOffsets.reserveCapacity(rows + 1)
        columnIndices.reserveCapacity(nonZeros)
        values.reserveCapacity(nonZeros)
    }

    /// The most entries any `count` rows hold together (an upper bound for a batch's buffer).
    public func largestNonZeros(rowsTogether count: Int) -> Int {
        guard count > 0, rows > 0 else { return 0 }
        var perRow = (0..<rows).map { rowOffsets[$0 + 1] - rowOffsets[$0] }
        if count < rows { perRow.sort(by: >) }
        return perRow.prefix(count).reduce(0, +)
    }

    /// The dense `rows x cols` matrix. Meant for tests and small data: the size is checked
    /// against the memory budget first.
    /// - Throws: `MemoryBudgetError` when `rows * cols` floats do not fit the budget.
    public func toDense() throws -> Matrix {
        try MemoryBudget.check(bytes: MemoryBudget.product(rows, cols, MemoryLayout<Float>.size),
                               what: "a dense copy of a \(rows) x \(cols) sparse matrix")
        var out = Matrix(rows: rows, cols: cols)
        out.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows {
                for k in rowOffsets[r]..<rowOffsets[r + 1] { x[r * cols + Int(columnIndices[k])] = values[k] }
            }
        }
        return out
    }

    /// The `cols x rows` transpose, in CSR form (equivalently, this matrix in CSC form).
    public func transposed() -> SparseMatrix {
        var counts = [Int](repeating: 0, count: cols + 1)
        for c in columnIndices { counts[Int(c) + 1] += 1 }
        for c in 0..<cols { counts[c + 1] += counts[c] }
        var next = counts
        var outColumns = [Int32](repeating: 0, count: nnz)
        var outValues = [Float](repeating: 0, count: nnz)
        for r in 0..<rows {
            for k in rowOffsets[r]..<rowOffsets[r + 1] {
                let c = Int(columnIndices[k])
                outColumns[next[c]] = Int32(r)
                outValues[next[c]] = values[k]
                next[c] += 1
            }
        }
        return SparseMatrix(unchecked: cols, cols: rows, rowOffsets: counts, columnIndices: outColumns, values: outValues)
    }

    /// The columns at `indices` (each `0..<cols`, no repeats), in that order: `out[:, k] = self[:, indices[k]]`.
    /// - Throws: `LogitsError.invalidValue` for an index out of range or repeated.
    public func gatherColumns(_ indices: [Int]) throws -> SparseMatrix {
        var position = [Int32](repeating: -1, count: cols)
        for (k, c) in indices.enumerated() {
            guard c >= 0, c < cols, position[c] < 0 else {
                throw LogitsError.invalidValue("gatherColumns: column \(c) is out of 0..<\(cols) or repeated")
            }
            position[c] = Int32(k)
        }
        var offsets = [0], outColumns = [Int32](), outValues = [Float]()
        var entries: [(Int32, Float)] = []
        for r in 0..<rows {
            entries.removeAll(keepingCapacity: true)
            for k in rowOffsets[r]..<rowOffsets[r + 1] where position[Int(columnIndices[k])] >= 0 {
                entries.append((position[Int(columnIndices[k])], values[k]))
            }
            entries.sort { $0.0 < $1.0 }
            for (c, v) in entries {
                outColumns.append(c)
                outValues.append(v)
            }
            offsets.append(outColumns.count)
        }
        return SparseMatrix(unchecked: rows, cols: indices.count, rowOffsets: offsets, columnIndices: outColumns, values: outValues)
    }

    /// Divides column `c` by `divisors[c]` in place (zeros stay zeros): the uncentred scaling of
    /// sparse data.
    /// - Throws: `LogitsError.shapeMismatch` unless `divisors.count == cols`.
    public mutating func divideColumns(by divisors: [Float]) throws {
        guard divisors.count == cols else {
            throw LogitsError.shapeMismatch("\(divisors.count) divisors for \(cols) columns")
        }
        let columns = columnIndices
        values.withUnsafeMutableBufferPointer { v in
            for k in 0..<v.count { v[k] /= divisors[Int(columns[k])] }
        }
    }

    /// Scales every row to unit Euclidean norm in place (all-zero rows stay zero): the sum of
    /// squares and the division in `Double`, as scikit-learn's `normalize(norm="l2")`.
    public mutating func normalizeRows() {
        let offsets = rowOffsets
        values.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows {
                var sum: Double = 0
                for k in offsets[r]..<offsets[r + 1] { sum += Double(v[k]) * Double(v[k]) }
                guard sum > 0 else { continue }
                let norm = sum.squareRoot()
                for k in offsets[r]..<offsets[r + 1] { v[k] = Float(Double(v[k]) / norm) }
            }
        }
    }

    /// Replaces every stored value `v` at (`row`, `column`) by `body(row, column, v)` in place
    /// (the pattern is unchanged; a result of 0 stays stored).
    public mutating func transformValues(_ body: (_ row: Int, _ column: Int, _ value: Float) throws -> Float) rethrows {
        let offsets = rowOffsets, columns = columnIndices, n = rows
        try values.withUnsafeMutableBufferPointer { v in
            for r in 0..<n {
                for k in offsets[r]..<offsets[r + 1] { v[k] = try body(r, Int(columns[k]), v[k]) }
            }
        }
    }

    /// Read-only access to the three arrays at once (kernels).
    public func withUnsafeBuffers<R>(
        _ body: (_ rowOffsets: UnsafeBufferPointer<Int>, _ columns: UnsafeBufferPointer<Int32>, _ values: UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try rowOffsets.withUnsafeBufferPointer { o in
            try columnIndices.withUnsafeBufferPointer { c in
                try values.withUnsafeBufferPointer { v in try body(o, c, v) }
            }
        }
    }

    public var description: String {
        "SparseMatrix(\(rows)x\(cols), \(nnz) stored, density \(density))"
    }
}

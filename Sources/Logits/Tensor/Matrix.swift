/// A dense, row-major matrix of `Float`: the one storage type that layers, losses,
/// optimizers and data sets share.
///
/// Element `(r, c)` lives at `storage[r * cols + c]`; `storage.count == rows * cols` always.
///
/// ## Value semantics, deliberately
/// `Matrix` is a struct over a copy-on-write `[Float]`. Assigning or passing a matrix never
/// aliases: mutating one copy cannot change another, which keeps `Sendable` trivially true and
/// makes the API safe to hand to callers (a returned weight matrix is a snapshot).
/// Hot loops avoid copies by owning their buffers and mutating them in place (`inout`,
/// `withUnsafeMutableBufferPointer`): a uniquely referenced array is written without copying.
///
/// ## Reusing a buffer for batches of varying size
/// `resize(rows:cols:)` changes the shape inside the reserved capacity without reallocating,
/// so a workspace sized once for the largest batch serves the short last batch too
/// (see `reserveCapacity(rows:cols:)`).
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows (e.g. samples in a batch).
    public private(set) var rows: Int
    /// Number of columns (e.g. features or classes).
    public private(set) var cols: Int
    /// Row-major elements, `rows * cols` of them.
    public var storage: [Float]

    /// A `rows x cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix shape must be non-negative")  // trap-ok: programmer error, shapes come from code
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: value, count: rows * cols)
    }

    /// A `rows x cols` matrix over the given row-major elements.
    /// - Throws: `LogitsError.shapeMismatch` if `storage.count != rows * cols`.
    public init(rows: Int, cols: Int, storage: [Float]) throws {
        guard rows >= 0, cols >= 0, storage.count == rows * cols else {
            throw LogitsError.shapeMismatch(
                "matrix \(rows)x\(cols) needs \(max(0, rows * cols)) elements, got \(storage.count)")
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from nested rows (`values[r][c]`).
    /// - Throws: `LogitsError.shapeMismatch` if the rows are ragged.
    public init(_ values: [[Float]]) throws {
        let cols = values.first?.count ?? 0
        var storage: [Float] = []
        storage.reserveCapacity(values.count * cols)
        for (r, row) in values.enumerated() {
            guard row.count == cols else {
                throw LogitsError.shapeMismatch("row \(r) has \(row.count) columns, expected \(cols)")
            }
            storage.append(contentsOf: row)
        }
        self.rows = values.count
        self.cols = cols
        self.storage = storage
    }

    /// `rows * cols`.
    @inlinable public var count: Int { storage.count }

    /// The shape as `(rows, cols)`.
    @inlinable public var shape: (rows: Int, cols: Int) { (rows, cols) }

    /// Element at row `r`, column `c` (bounds-checked by the array).
    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { storage[r * cols + c] }
        set { storage[r * cols + c] = newValue }
    }

    /// Row `r` as a slice of the storage.
    @inlinable public func row(_ r: Int) -> ArraySlice<Float> {
        storage[(r * cols)..<((r + 1) * cols)]
    }

    /// Nested rows, e.g. for printing or JSON.
    public var nestedRows: [[Float]] { (0..<rows).map { Array(row($0)) } }

    /// Changes the shape to `rows x cols`, keeping the allocation when the new element count fits
    /// in the reserved capacity. Elements keep their linear positions; new ones are zero.
    public mutating func resize(rows newRows: Int, cols newCols: Int) {
        precondition(newRows >= 0 && newCols >= 0, "Matrix shape must be non-negative")  // trap-ok: programmer error
        let newCount = newRows * newCols
        if newCount < storage.count {
            storage.removeLast(storage.count - newCount)
        } else if newCount > storage.count {
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
        rows = newRows
        cols = newCols
    }

    /// Reserves room for a `rows x cols` shape so that later `resize` calls up to that size never allocate.
    public mutating func reserveCapacity(rows: Int, cols: Int) {
        storage.reserveCapacity(rows * cols)
    }

    /// Sets every element to `value` in place.
    public mutating func fill(_ value: Float) {
        storage.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
    }

    /// The transpose, `cols x rows` (allocates). Walks 32 x 32 tiles, so that both sides stay in
    /// cache for large matrices.
    public func transposed() -> Matrix {
        var t = Matrix(rows: cols, cols: rows)
        let m = rows, n = cols, tile = 32
        storage.withUnsafeBufferPointer { src in
            t.storage.withUnsafeMutableBufferPointer { dst in
                for r0 in stride(from: 0, to: m, by: tile) {
                    for c0 in stride(from: 0, to: n, by: tile) {
                        for r in r0..<Swift.min(r0 + tile, m) {
                            for c in c0..<Swift.min(c0 + tile, n) { dst[c * m + r] = src[r * n + c] }
                        }
                    }
                }
            }
        }
        return t
    }

    /// Read-only access to the contiguous row-major elements.
    @inlinable public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// In-place access to the contiguous row-major elements (no copy when uniquely referenced).
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    public var description: String {
        let shown = (0..<min(rows, 6)).map { r in
            "[" + row(r).prefix(8).map { String($0) }.joined(separator: ", ") + (cols > 8 ? ", ..." : "") + "]"
        }
        return "Matrix(\(rows)x\(cols)) [" + shown.joined(separator: ", ") + (rows > 6 ? ", ..." : "") + "]"
    }
}

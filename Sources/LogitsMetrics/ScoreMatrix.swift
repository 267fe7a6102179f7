/// A dense row-major matrix of scores, `rows` samples x `cols` classes/labels, in Double.
///
/// Scores are raw logits by default (any real number; every rank-based metric is computed on them
/// directly). Probabilities work as well. NaN is rejected at construction; ±inf is allowed.
public struct ScoreMatrix: Sendable, Equatable {
    /// Number of samples (rows).
    public let rows: Int
    /// Number of classes or labels (columns).
    public let cols: Int
    /// Row-major values: element (i, j) is `values[i * cols + j]`.
    public let values: [Double]

    /// Wraps `values` (row-major, `rows * cols` entries). Throws on a size mismatch or a NaN.
    public init(rows: Int, cols: Int, values: [Double]) throws {
        guard rows >= 0, cols >= 0, values.count == rows * cols else {
            throw MetricsError.shapeMismatch("score matrix \(rows) x \(cols) needs \(max(0, rows * cols)) values, got \(values.count)")
        }
        for (n, v) in values.enumerated() where v.isNaN {
            throw MetricsError.invalidValue("score at row \(n / max(cols, 1)), column \(n % max(cols, 1)) is NaN")
        }
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Builds from nested rows (`rows[i][j]`); all rows must have the same length.
    public init(_ nested: [[Double]]) throws {
        let c = nested.first?.count ?? 0
        var flat: [Double] = []
        flat.reserveCapacity(nested.count * c)
        for (i, r) in nested.enumerated() {
            guard r.count == c else {
                throw MetricsError.shapeMismatch("score row \(i) has \(r.count) columns, expected \(c)")
            }
            flat.append(contentsOf: r)
        }
        try self.init(rows: nested.count, cols: c, values: flat)
    }

    /// Converts Float scores (e.g. a network's float32 logits) exactly to Double.
    public init(rows: Int, cols: Int, floats: [Float]) throws {
        try self.init(rows: rows, cols: cols, values: floats.map { Double($0) })
    }

    /// Element at sample `r`, column `c`.
    @inlinable public subscript(r: Int, c: Int) -> Double { values[r * cols + c] }

    /// Column `c` as a new array (N entries).
    public func column(_ c: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        for i in 0..<rows { out[i] = values[i * cols + c] }
        return out
    }

    /// Row `r` as a new array (C entries).
    public func row(_ r: Int) -> ArraySlice<Double> { values[(r * cols)..<((r + 1) * cols)] }

    /// The same matrix with `transform` applied to every entry.
    public func mapped(_ transform: (Double) -> Double) throws -> ScoreMatrix {
        try ScoreMatrix(rows: rows, cols: cols, values: values.map(transform))
    }
}

/// A dense row-major 0/1 matrix (multi-label truth or decisions), `rows` samples x `cols` labels.
public struct BinaryMatrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Row-major 0/1 entries.
    public let values: [UInt8]

    /// Wraps 0/1 `values`; throws if the size is wrong or an entry is not 0 or 1.
    public init(rows: Int, cols: Int, values: [UInt8]) throws {
        guard rows >= 0, cols >= 0, values.count == rows * cols else {
            throw MetricsError.shapeMismatch("0/1 matrix \(rows) x \(cols) needs \(max(0, rows * cols)) values, got \(values.count)")
        }
        for (n, v) in values.enumerated() where v > 1 {
            throw MetricsError.invalidValue("entry at row \(n / max(cols, 1)), column \(n % max(cols, 1)) is \(v), expected 0 or 1")
        }
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Builds from nested integer rows (each entry 0 or 1).
    public init(_ nested: [[Int]]) throws {
        let c = nested.first?.count ?? 0
        var flat: [UInt8] = []
        flat.reserveCapacity(nested.count * c)
        for (i, r) in nested.enumerated() {
            guard r.count == c else {
                throw MetricsError.shapeMismatch("row \(i) has \(r.count) columns, expected \(c)")
            }
            for (j, v) in r.enumerated() {
                guard v == 0 || v == 1 else {
                    throw MetricsError.invalidValue("entry at row \(i), column \(j) is \(v), expected 0 or 1")
                }
                flat.append(UInt8(v))
            }
        }
        try self.init(rows: nested.count, cols: c, values: flat)
    }

    /// Decisions `scores > threshold` (strictly greater: a score equal to the threshold is negative).
    public init(scores: ScoreMatrix, threshold: Double) {
        rows = scores.rows
        cols = scores.cols
        values = scores.values.map { $0 > threshold ? 1 : 0 }
    }

    /// Unchecked init for values already known to be 0/1 of the right size.
    init(uncheckedRows rows: Int, cols: Int, values: [UInt8]) {
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    @inlinable public subscript(r: Int, c: Int) -> Bool { values[r * cols + c] != 0 }

    /// Nested rows of 0/1 integers.
    public var nestedRows: [[Int]] {
        (0..<rows).map { i in (0..<cols).map { Int(values[i * cols + $0]) } }
    }
}

/// Checks that class indices lie in `0..<classes` and that there is one per score row.
func validateClassIndices(_ truth: [Int], classes: Int, rows: Int, name: String = "truth") throws {
    guard truth.count == rows else {
        throw MetricsError.shapeMismatch("\(name) has \(truth.count) entries, scores have \(rows) rows")
    }
    for (i, t) in truth.enumerated() where t < 0 || t >= classes {
        throw MetricsError.invalidValue("\(name) row \(i) is class \(t), expected 0..<\(classes)")
    }
}

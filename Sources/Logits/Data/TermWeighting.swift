import Foundation

/// TF-IDF weighting of term-count features, as scikit-learn's `TfidfTransformer(norm="l2",
/// use_idf=True, smooth_idf=True)`, fitted on the training rows and stored in the model so that
/// prediction applies the very same transform.
///
/// For a row `x` (`D` non-negative counts or frequencies) and column `c`:
///
///     tf_c   = x_c                        (sublinearTF: 1 + ln x_c for x_c > 0, else 0)
///     idf_c  = ln((1 + N) / (1 + df_c)) + 1   (df_c: training rows with x_c > 0; in Double)
///     x'_c   = tf_c · idf_c / ‖tf · idf‖₂      (a row of zeros stays zeros)
///
/// Zeros stay zeros, so sparse (CSR) data stays sparse. A column never seen in training gets
/// the largest weight `ln(1 + N) + 1`, as in scikit-learn.
public struct TermWeighting: Codable, Sendable, Equatable {
    /// `D` inverse document frequencies `idf_c`.
    public var idf: [Float]
    /// Whether term frequencies are replaced by `1 + ln tf` (scikit-learn's `sublinear_tf`).
    public var sublinearTF: Bool

    enum CodingKeys: String, CodingKey {
        case idf
        case sublinearTF = "sublinear_tf"
    }

    /// Builds the transform from known weights (`D` finite values ≥ 1, as `ln(...) + 1` gives).
    /// - Throws: `LogitsError.invalidValue` for a weight that is not finite or below 1.
    public init(idf: [Float], sublinearTF: Bool = false) throws {
        if let bad = idf.firstIndex(where: { !($0.isFinite && $0 >= 1) }) {
            throw LogitsError.invalidValue("TF-IDF weight of feature \(bad) is \(idf[bad]); expected a finite value >= 1")
        }
        self.idf = idf
        self.sublinearTF = sublinearTF
    }

    /// Fits the document frequencies on `N x D` dense training features (`N >= 1`).
    /// - Throws: `LogitsError.invalidValue` for no rows or a negative or non-finite value (terms are counted).
    public init(fitting features: Matrix, sublinearTF: Bool = false) throws {
        let (n, d) = (features.rows, features.cols)
        var df = [Int](repeating: 0, count: d)
        try features.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for c in 0..<d {
                    let v = x[r * d + c]
                    try Self.check(v, row: r, column: c)
                    if v > 0 { df[c] += 1 }
                }
            }
        }
        try self.init(documentFrequencies: df, rows: n, sublinearTF: sublinearTF)
    }

    /// Fits the document frequencies on `N x D` CSR training features (`N >= 1`).
    /// - Throws: as the dense fit.
    public init(fitting features: SparseMatrix, sublinearTF: Bool = false) throws {
        var df = [Int](repeating: 0, count: features.cols)
        try features.withUnsafeBuffers { offsets, columns, values in
            for r in 0..<features.rows {
                for k in offsets[r]..<offsets[r + 1] {
                    try Self.check(values[k], row: r, column: Int(columns[k]))
                    if values[k] > 0 { df[Int(columns[k])] += 1 }
                }
            }
        }
        try self.init(documentFrequencies: df, rows: features.rows, sublinearTF: sublinearTF)
    }

    init(documentFrequencies df: [Int], rows n: Int, sublinearTF: Bool) throws {
        guard n > 0 else { throw LogitsError.invalidValue("cannot fit TF-IDF weights on 0 rows") }
        let weights = df.map { Float(Foundation.log(Double(1 + n) / Double(1 + $0)) + 1) }
        try self.init(idf: weights, sublinearTF: sublinearTF)
    }

    private static func check(_ v: Float, row: Int, column: Int) throws {
        guard v >= 0, v.isFinite else {
            throw LogitsError.invalidValue("TF-IDF needs non-negative term counts; row \(row), feature \(column) is \(v)")
        }
    }

    /// Number of features `D`.
    public var featureCount: Int { idf.count }

    /// `tf(v) · idf_c` for one stored value.
    @inline(__always) func weighted(_ v: Float, _ c: Int) -> Float {
        let tf = sublinearTF ? (v > 0 ? 1 + Foundation.log(v) : 0) : v
        return tf * idf[c]
    }

    /// Applies the transform to `N x D` dense features in place.
    /// - Throws: `LogitsError.shapeMismatch` for a width other than `D`; `.invalidValue` for a
    ///   negative or non-finite value.
    public func apply(to features: inout Matrix) throws {
        let (n, d) = (features.rows, features.cols)
        guard d == featureCount else {
            throw LogitsError.shapeMismatch("TF-IDF weights fitted on \(featureCount) features, matrix has \(d)")
        }
        try features.withUnsafeMutableBufferPointer { x in
            for r in 0..<n {
                var sum: Double = 0
                for c in 0..<d {
                    let v = x[r * d + c]
                    try Self.check(v, row: r, column: c)
                    let w = weighted(v, c)
                    x[r * d + c] = w
                    sum += Double(w) * Double(w)
                }
                guard sum > 0 else { continue }
                let norm = sum.squareRoot()
                for c in 0..<d { x[r * d + c] = Float(Double(x[r * d + c]) / norm) }
            }
        }
    }

    /// Applies the transform to `N x D` CSR features in place (the stored entries only).
    /// - Throws: as the dense form.
    public func apply(to features: inout SparseMatrix) throws {
        guard features.cols == featureCount else {
            throw LogitsError.shapeMismatch("TF-IDF weights fitted on \(featureCount) features, matrix has \(features.cols)")
        }
        try features.transformValues { r, c, v in
            try Self.check(v, row: r, column: c)
            return weighted(v, c)
        }
        features.normalizeRows()
    }
}

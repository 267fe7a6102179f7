/// Per-feature min-max scaling to `[0, 1]`: `x' = (x - min_j) / (max_j - min_j)`, fitted on the
/// training features (`Codable`, stored with a model). A constant feature
/// (`max_j == min_j`) is divided by 1 (scikit-learn's `MinMaxScaler` does the same), so it maps to 0.
/// Values outside the fitted range map outside `[0, 1]` (no clipping).
public struct MinMaxScaler: Codable, Sendable, Equatable {
    /// `D` per-feature minima.
    public var minimum: [Float]
    /// `D` divisors: `max - min`, or 1 where that is 0.
    public var range: [Float]

    /// Fits on the `N x D` matrix `features` (N >= 1, finite values).
    /// - Throws: `LogitsError.invalidValue` for an empty matrix, `.nonFinite` for NaN/inf.
    public init(fitting features: Matrix) throws {
        let (n, d) = (features.rows, features.cols)
        guard n > 0 else { throw LogitsError.invalidValue("cannot fit a min-max scaler on 0 rows") }
        var lo = [Float](repeating: .infinity, count: d)
        var hi = [Float](repeating: -.infinity, count: d)
        features.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for c in 0..<d {
                    let v = x[r * d + c]
                    if v < lo[c] { lo[c] = v }
                    if v > hi[c] { hi[c] = v }
                }
            }
        }
        let range = zip(lo, hi).map { $1 - $0 == 0 ? 1 : $1 - $0 }
        guard lo.allSatisfy(\.isFinite), range.allSatisfy(\.isFinite) else {
            throw LogitsError.nonFinite("feature minimum or range is not finite (NaN/inf in the features?)")
        }
        self.minimum = lo
        self.range = range
    }

    /// Scales an `M x D` matrix in place.
    /// - Throws: `LogitsError.shapeMismatch` when `features.cols != D`.
    public func apply(to features: inout Matrix) throws {
        let d = minimum.count
        guard features.cols == d else {
            throw LogitsError.shapeMismatch("min-max scaler fitted on \(d) features, matrix has \(features.cols)")
        }
        let rows = features.rows
        features.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows { for c in 0..<d { x[r * d + c] = (x[r * d + c] - minimum[c]) / range[c] } }
        }
    }

    /// A scaled copy of `features`.
    public func transform(_ features: Matrix) throws -> Matrix {
        var copy = features
        try apply(to: &copy)
        return copy
    }
}

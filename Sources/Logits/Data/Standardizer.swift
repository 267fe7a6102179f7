/// Per-feature standardization `x' = (x - mean) / std`, fitted on the training features and
/// stored (it is `Codable`) so prediction applies the very same transform.
///
/// `mean_j` and the population standard deviation `std_j = sqrt(sum_i (x_ij - mean_j)^2 / N)`
/// are computed in `Double` (two passes) over the `N x D` training matrix, as scikit-learn's
/// `StandardScaler` (ddof = 0). A constant feature (`std_j == 0`) is divided by 1 instead, so
/// it becomes 0 rather than NaN (scikit-learn does the same).
public struct Standardizer: Codable, Sendable, Equatable {
    /// `D` feature means.
    public var mean: [Float]
    /// `D` divisors: the population std, or 1 where the std is 0.
    public var scale: [Float]

    /// Builds a standardizer from known means and divisors (both `D` long, divisors non-zero).
    /// - Throws: `LogitsError.shapeMismatch` / `.invalidValue` otherwise.
    public init(mean: [Float], scale: [Float]) throws {
        guard mean.count == scale.count else {
            throw LogitsError.shapeMismatch("\(mean.count) means but \(scale.count) scales")
        }
        guard scale.allSatisfy({ $0 != 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw LogitsError.invalidValue("standardizer scales must be finite and non-zero, means finite")
        }
        self.mean = mean
        self.scale = scale
    }

    /// Fits on the `N x D` matrix `features` (N >= 1).
    /// - Throws: `LogitsError.invalidValue` for an empty matrix or non-finite statistics.
    public init(fitting features: Matrix) throws {
        let (n, d) = (features.rows, features.cols)
        guard n > 0 else { throw LogitsError.invalidValue("cannot fit a standardizer on 0 rows") }
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        features.withUnsafeBufferPointer { x in
            for r in 0..<n {
                let base = r * d
                for c in 0..<d { sums[c] += Double(x[base + c]) }
            }
            for c in 0..<d { sums[c] /= Double(n) }
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let delta = Double(x[base + c]) - sums[c]
                    squares[c] += delta * delta
                }
            }
        }
        let mean = sums.map { Float($0) }
        let scale = squares.map { sq -> Float in
            let std = Float((sq / Double(n)).squareRoot())
            return std == 0 ? 1 : std
        }
        guard mean.allSatisfy(\.isFinite), scale.allSatisfy(\.isFinite) else {
            throw LogitsError.nonFinite("feature mean or std is not finite (NaN/inf in the features?)")
        }
        self.mean = mean
        self.scale = scale
    }

    /// Number of features `D`.
    public var featureCount: Int { mean.count }

    /// Standardizes an `M x D` matrix in place.
    /// - Throws: `LogitsError.shapeMismatch` when `features.cols != D`.
    public func apply(to features: inout Matrix) throws {
        let d = mean.count
        guard features.cols == d else {
            throw LogitsError.shapeMismatch("standardizer fitted on \(d) features, matrix has \(features.cols)")
        }
        let rows = features.rows
        mean.withUnsafeBufferPointer { m in
            scale.withUnsafeBufferPointer { s in
                features.withUnsafeMutableBufferPointer { x in
                    for r in 0..<rows {
                        let base = r * d
                        for c in 0..<d { x[base + c] = (x[base + c] - m[c]) / s[c] }
                    }
                }
            }
        }
    }

    /// A standardized copy of `features`.
    public func transform(_ features: Matrix) throws -> Matrix {
        var copy = features
        try apply(to: &copy)
        return copy
    }

    /// Undoes the transform in place: `x = x' * std + mean`.
    public func invert(_ features: inout Matrix) throws {
        let d = mean.count
        guard features.cols == d else {
            throw LogitsError.shapeMismatch("standardizer fitted on \(d) features, matrix has \(features.cols)")
        }
        let rows = features.rows
        features.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows { for c in 0..<d { x[r * d + c] = x[r * d + c] * scale[c] + mean[c] } }
        }
    }
}

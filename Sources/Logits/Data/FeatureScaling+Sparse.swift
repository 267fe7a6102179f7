import Foundation

/// Feature scaling of sparse (CSR) data: the same kinds and divisors as the dense fit, but
/// continuous columns are never centred, and a centring of binary or count columns is never
/// applied to the stored values: zeros stay zeros and the data stays sparse.
///
/// Per column, from the stored entries and the implicit zeros of the `N` rows (in `Double`):
/// - `constant`: dropped (as in the dense fit); in the full-width `Standardizer` it gets shift 0 and
///   the largest finite scale, so it contributes nothing.
/// - `binary`, `count`: as the dense fit (`Policy`); a centring choice (`.centredOnly`,
///   `.centredStandardDeviation`) gives a non-zero shift, which training and inference apply
///   inside the first layer (`Dense.forward(sparse:inputShift:into:)`), so the data stays sparse.
/// - `continuous`: `shift = 0` (the dense fit would subtract the mean) and, by default
///   (`Policy.sparseContinuous = .commonRootMeanSquare`), one `scale` shared by all of them: the
///   root mean square of their `N x C` values, `rms = sqrt(Σ_stored v² / (N C))`, over the `C`
///   continuous columns with finite values. TF-IDF rows (unit L2 norm) then have squared norm
///   about `C` as the first layer's default init expects, with the TF-IDF weights unchanged.
///   `.standardDeviation`: `scale = std` per column (columns sharing one value range get the
///   dense fit's scale for them, `Policy.sharedRange`, without its shift), scikit-learn's
///   `StandardScaler(with_mean=False)`, which lifts a rare column's values by `1 / sqrt(p)`
///   (about 100 for a word in 0.01 % of the rows); on the EUR-Lex-shaped set it made the MLP
///   collapse to the label priors (docs/data.md, "EUR-Lex-shaped data").
///
/// `std² = (Σ_stored (v - mean)² + (N - nnz_c) mean²) / N`: the two-pass formula of the dense fit
/// with the implicit zeros counted, so binary and count columns get the very same divisors as
/// on the dense copy of the data.
extension FeatureScaling {
    /// Fits on `N x D` CSR training features (`N >= 1`); see the extension's doc.
    /// - Throws: `LogitsError.invalidValue` for no rows; `.nonFinite` for non-finite statistics.
    public init(fitting features: SparseMatrix, policy: Policy = Policy()) throws {
        let (n, d) = (features.rows, features.cols)
        guard n > 0 else { throw LogitsError.invalidValue("cannot fit feature scaling on 0 rows") }
        var stored = [Int](repeating: 0, count: d)
        var sums = [Double](repeating: 0, count: d)
        var rawSquares = [Double](repeating: 0, count: d)  // Σ v² (for the common root mean square)
        var maxAbs = [Double](repeating: 0, count: d)
        var low = [Float](repeating: .infinity, count: d), high = [Float](repeating: -.infinity, count: d)
        var nonFinite = [Bool](repeating: false, count: d)
        var onlyZeroOne = [Bool](repeating: true, count: d)
        var onlyCounts = [Bool](repeating: true, count: d)
        features.withUnsafeBuffers { _, columns, values in
            for k in 0..<values.count {
                let c = Int(columns[k]), v = values[k]
                stored[c] += 1
                sums[c] += Double(v)
                rawSquares[c] += Double(v) * Double(v)
                maxAbs[c] = max(maxAbs[c], abs(Double(v)))
                if !v.isFinite { nonFinite[c] = true }
                low[c] = min(low[c], v)
                high[c] = max(high[c], v)
                if v != 0 && v != 1 {
                    onlyZeroOne[c] = false
                    if !(v > 0 && v.isFinite && v.rounded(.towardZero) == v) { onlyCounts[c] = false }
                }
            }
        }
        for c in 0..<d where stored[c] < n {  // implicit zeros
            low[c] = min(low[c], 0)
            high[c] = max(high[c], 0)
        }
        for c in 0..<d { sums[c] /= Double(n) }  // now the means
        var squares = [Double](repeating: 0, count: d)
        features.withUnsafeBuffers { _, columns, values in
            for k in 0..<values.count {
                let c = Int(columns[k])
                let delta = Double(values[k]) - sums[c]
                squares[c] += delta * delta
            }
        }
        var kinds = [FeatureKind](repeating: .continuous, count: d)
        var continuousSquares = 0.0, continuousColumns = 0
        for c in 0..<d {
            squares[c] += Double(n - stored[c]) * sums[c] * sums[c]
            if nonFinite[c] {
                kinds[c] = .continuous
            } else if low[c] == high[c] {
                kinds[c] = .constant
            } else if onlyZeroOne[c] {
                kinds[c] = .binary
            } else if onlyCounts[c] {
                kinds[c] = .count
            } else {
                continuousSquares += rawSquares[c]
                continuousColumns += 1
            }
        }
        let commonRMS = continuousColumns > 0 ? (continuousSquares / (Double(n) * Double(continuousColumns))).squareRoot() : 1
        let stds = squares.map { ($0 / Double(n)).squareRoot() }
        // Per-column std: the shared range's scale, not centred (the data stays sparse).
        let group = Self.sharedRangeScaling(kinds: kinds, low: low.map(Double.init), high: high.map(Double.init), mean: sums,
                                            std: stds, policy: policy, centred: false)
        var kept: [Int] = [], shift: [Float] = [], scale: [Float] = []
        for c in 0..<d {
            let std = stds[c]
            let (m, k): (Double, Double)
            switch kinds[c] {
            case .constant:
                if policy.dropConstant { continue }
                (m, k) = (0, 1)
            case .binary: (m, k) = Self.scaling(policy.binary, mean: sums[c], std: std, maxAbs: maxAbs[c])
            case .count: (m, k) = Self.scaling(policy.counts, mean: sums[c], std: std, maxAbs: maxAbs[c])
            case .continuous:
                (m, k) = policy.sparseContinuous == .commonRootMeanSquare && !nonFinite[c] ? (0, commonRMS) : group.overrides[c] ?? (0, std)
            }
            let fk = Float(k)
            guard fk.isFinite, fk != 0 else {
                throw LogitsError.nonFinite("feature \(c): scale is not finite (NaN/inf in the features?)")
            }
            kept.append(c)
            shift.append(Float(m))
            scale.append(fk)
        }
        try self.init(inputCount: d, kinds: kinds, kept: kept, shift: shift, scale: scale, policy: policy)
        // The common root mean square replaces the per-column std, and with it the shared range's scaling.
        sharedRange = policy.sparseContinuous == .commonRootMeanSquare ? nil : group.record
    }

    /// `summaryLines` for a fit on sparse data: continuous columns are divided by one common scale
    /// (its value given) or by their std, not centred.
    public func sparseSummaryLines(featureNames: [String]? = nil) -> [String] {
        let common = zip(kept, scale).first { kinds[$0.0] == .continuous }?.1
        let how = policy.sparseContinuous == .commonRootMeanSquare
            ? "divided by one common scale \(common.map { "\($0)" } ?? "n/a") (the root mean square of their values), not centred (sparse data)"
            : "divided by their std, not centred (sparse data)"
        return summaryLines(featureNames: featureNames).map { line in
            line.hasPrefix("continuous:") ? line.replacingOccurrences(of: "standardized (x - mean) / std", with: how) : line
        } + [shift.contains { $0 != 0 }
             ? "sparse features (CSR): zeros stay zeros; the centring is applied in the first layer (bias b - W mean/scale)"
             : "sparse features (CSR): no centring, zeros stay zeros"]
    }
}

extension FeatureKind {
    /// The kind of each column of `N x D` CSR features, counting the implicit zeros (as
    /// `classify(_: Matrix)` on the dense copy).
    public static func classify(_ features: SparseMatrix) -> [FeatureKind] {
        guard features.rows > 0 else { return [FeatureKind](repeating: .constant, count: features.cols) }
        return (try? FeatureScaling(fitting: features, policy: .init(dropConstant: true)).kinds)
            ?? [FeatureKind](repeating: .continuous, count: features.cols)
    }
}

extension Standardizer {
    /// Whether the transform is a pure per-column division (every mean 0): it then keeps sparse data sparse.
    public var isUncentred: Bool { mean.allSatisfy { $0 == 0 } }

    /// `mean / scale` (`D` values) when some mean is not 0, else nil: `(x − mean) / scale =
    /// x / scale − mean / scale`, so sparse input is divided by `scale` (`divide(_:)`) and the
    /// network subtracts this shift in its first layer (`MLP.forward(_:inputShift:...)`).
    public var sparseInputShift: [Float]? {
        guard !isUncentred else { return nil }
        return zip(mean, scale).map { $0 / $1 }
    }

    /// Divides the columns of sparse features by `scale` in place, whatever the means (the
    /// centring part is `sparseInputShift`).
    /// - Throws: `LogitsError.shapeMismatch` for a wrong width.
    public func divide(_ features: inout SparseMatrix) throws {
        guard features.cols == featureCount else {
            throw LogitsError.shapeMismatch("standardizer fitted on \(featureCount) features, matrix has \(features.cols)")
        }
        try features.divideColumns(by: scale)
    }

    /// The whole transform on sparse features in place, when it is a pure division (`isUncentred`);
    /// a centring one must go through `divide(_:)` plus `sparseInputShift`.
    /// - Throws: `LogitsError.shapeMismatch` for a wrong width; `.invalidValue` when a mean is not 0
    ///   (centring would make every zero non-zero).
    public func apply(to features: inout SparseMatrix) throws {
        guard isUncentred else {
            throw LogitsError.invalidValue("this standardizer centres the features; divide the sparse values (divide(_:)) and pass sparseInputShift to the network")
        }
        try divide(&features)
    }
}

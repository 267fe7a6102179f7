/// The feature preprocessing decided from the training data: constant columns are dropped,
/// binary and count columns are scaled as `Policy` says (by default without centring: zeros stay
/// zeros, sparsity is kept), and the remaining continuous columns are standardized.
///
/// The fitted transform maps an `M x D` matrix to `M x K` (`K = kept.count`), column by column:
///
///     x'[r, k] = (x[r, kept[k]] - shift[k]) / scale[k]        for k in 0..<K
///
/// so a model file or an ONNX graph can store it as a column gather followed by the
/// `Standardizer`-style shift/scale arrays (`standardizer`). Per kind (`FeatureKind`), fitted on
/// the `N` training rows in `Double`:
/// - `constant`: dropped (listed in `dropped`); it cannot inform a model fitted on this data.
/// - `binary` ({0, 1}): `shift = 0`, `scale = 1` by default (`Policy.binary = .maxAbs`: the
///   largest |x| is 1, so the column is kept as is); `.centredOnly` gives `x - p` (the training
///   recipe's default for dense data). Standardizing a rare binary feature
///   (`.centredStandardDeviation`) blows its ones up to `1 / sqrt(p (1 - p))` (about 18 for one
///   positive in 333 rows) and turns its zeros into non-zeros.
/// - `count` (non-negative integers): `shift = 0`, `scale = std` by default
///   (`Policy.counts = .standardDeviation`), i.e. scikit-learn's `StandardScaler(with_mean=False)`:
///   `std = sqrt(sum_i (x_i - mean)^2 / N)` (population std around the mean, not the root mean
///   square), which brings counts of any range to unit variance while zeros stay zeros.
/// - `continuous`: `shift = mean`, `scale = std` (population std, ddof 0), exactly scikit-learn's
///   `StandardScaler()`; except that columns sharing one value range (pixels) are scaled as one
///   quantity, by default with the mean and std of all their values (`Policy.sharedRange`,
///   `FeatureScaling+SharedRange.swift`).
/// `Policy` can switch binary and count columns to any `UncenteredScale`.
public struct FeatureScaling: Codable, Sendable, Equatable {
    /// How a binary or count column is scaled (not centred, except the two centred choices).
    public enum UncenteredScale: String, Codable, Sendable, CaseIterable {
        /// Divide by the largest absolute training value (scikit-learn's `MaxAbsScaler`).
        case maxAbs
        /// Divide by the population std (scikit-learn's `StandardScaler(with_mean=False)`).
        case standardDeviation
        /// Centre and divide by the population std, `(x - mean) / std` (scikit-learn's
        /// `StandardScaler()`, the PyTorch peer's scaling).
        case centredStandardDeviation
        /// Centre only, `(x - mean) / maxAbs`: a {0,1} column becomes `x - p` (`p` its training
        /// mean), within [-1, 1], as scikit-learn's `StandardScaler(with_std=False)` gives; the
        /// default for dense data (`TrainingDefaults.binaryScaling(rows:sparse:)`).
        case centredOnly

        /// The name used by `logits train --binary-scaling`, summaries and `--json`:
        /// `max-abs`, `std` or `centred`.
        public var name: String {
            switch self {
            case .maxAbs: return "max-abs"
            case .standardDeviation: return "std"
            case .centredStandardDeviation: return "centred"
            case .centredOnly: return "centred-only"
            }
        }

        /// The scaling called `name` (`centered` is accepted too), or `nil`.
        public init?(name: String) {
            switch name {
            case "max-abs": self = .maxAbs
            case "std": self = .standardDeviation
            case "centred", "centered": self = .centredStandardDeviation
            case "centred-only", "centered-only": self = .centredOnly
            default: return nil
            }
        }
    }

    /// How the continuous columns of sparse (CSR) data are divided (they are never centred there).
    public enum SparseContinuousScale: String, Codable, Sendable, CaseIterable {
        /// One divisor for all of them: the root mean square of their `N x C` values (`C`
        /// continuous columns, implicit zeros counted), `rms = sqrt(Σ v² / (N C))`. The values
        /// get mean square 1 over the block, as PyTorch's default init expects, while the columns
        /// keep their relative weights (TF-IDF data is weighted already). The default.
        case commonRootMeanSquare
        /// Each column by its own population std (scikit-learn's `StandardScaler(with_mean=False)`):
        /// a rare column's values grow to about `1 / sqrt(p)` (p: its fraction of non-zeros).
        case standardDeviation
    }

    /// The choices per feature kind.
    public struct Policy: Codable, Sendable, Equatable {
        /// Divisor for {0, 1} columns (default `.maxAbs`, i.e. unchanged).
        public var binary: UncenteredScale
        /// Divisor for non-negative integer columns (default `.standardDeviation`).
        public var counts: UncenteredScale
        /// Drop constant columns (default true); when false they are kept with shift = value, scale = 1 (giving 0).
        public var dropConstant: Bool
        /// Continuous columns that share one value range (e.g. pixels): one mean and std for all
        /// of them (`.common`, the default), each its own std with a floor, or plain per-column
        /// standardization (`FeatureScaling+SharedRange.swift`).
        public var sharedRange: SharedRangeScale
        /// `β` of the std floor of `.flooredStandardDeviation`: a column of the group is divided
        /// by `max(std, β · the group's median std)`; 0 turns the floor off. Default
        /// `defaultSharedRangeFloor`.
        public var sharedRangeFloor: Double
        /// Divisor of continuous columns in a fit on sparse data (default `.commonRootMeanSquare`);
        /// the dense fit standardizes them whatever this says.
        public var sparseContinuous: SparseContinuousScale

        /// 1: with `.flooredStandardDeviation`, a pixel column whose std is below the median
        /// pixel's is divided by the median std (docs/training.md, "Pixels").
        public static let defaultSharedRangeFloor = 1.0

        public init(binary: UncenteredScale = .maxAbs, counts: UncenteredScale = .standardDeviation, dropConstant: Bool = true,
                    sharedRange: SharedRangeScale = .common, sharedRangeFloor: Double = Policy.defaultSharedRangeFloor,
                    sparseContinuous: SparseContinuousScale = .commonRootMeanSquare) {
            self.binary = binary
            self.counts = counts
            self.dropConstant = dropConstant
            self.sharedRange = sharedRange
            self.sharedRangeFloor = sharedRangeFloor
            self.sparseContinuous = sparseContinuous
        }

        private enum CodingKeys: String, CodingKey { case binary, counts, dropConstant, sharedRange, sharedRangeFloor, sparseContinuous }

        /// Decodes a policy; one saved before `sharedRange`, `sharedRangeFloor` or
        /// `sparseContinuous` existed gets what it was fitted with: the floor when it has a
        /// positive `sharedRangeFloor`, else per-column std (`.standardDeviation`) for both.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            binary = try c.decode(UncenteredScale.self, forKey: .binary)
            counts = try c.decode(UncenteredScale.self, forKey: .counts)
            dropConstant = try c.decode(Bool.self, forKey: .dropConstant)
            sharedRangeFloor = try c.decodeIfPresent(Double.self, forKey: .sharedRangeFloor) ?? 0
            sharedRange = try c.decodeIfPresent(SharedRangeScale.self, forKey: .sharedRange)
                ?? (sharedRangeFloor > 0 ? .flooredStandardDeviation : .standardDeviation)
            sparseContinuous = try c.decodeIfPresent(SparseContinuousScale.self, forKey: .sparseContinuous) ?? .standardDeviation
        }
    }

    /// `D`: the number of input columns the transform expects.
    public var inputCount: Int
    /// `D` kinds of the training columns.
    public var kinds: [FeatureKind]
    /// `K` input column indices that are kept, ascending.
    public var kept: [Int]
    /// `K` values subtracted (0 for binary and count columns).
    public var shift: [Float]
    /// `K` divisors (finite, non-zero).
    public var scale: [Float]
    /// The choices the transform was fitted with (for `summaryLines`).
    public var policy: Policy
    /// What was done to the continuous columns sharing one value range
    /// (`FeatureScaling+SharedRange.swift`), or nil when none was (no shared range, or
    /// `Policy.sharedRange == .standardDeviation`).
    public var sharedRange: SharedRangeGroup?

    /// The input columns not kept (the constant ones, when `Policy.dropConstant`), ascending.
    public var dropped: [Int] {
        var isKept = [Bool](repeating: false, count: inputCount)
        for c in kept { isKept[c] = true }
        return (0..<inputCount).filter { !isKept[$0] }
    }

    /// `K`: the number of output columns.
    public var outputCount: Int { kept.count }

    /// The shift/scale part as a `Standardizer` over the `K` kept columns (apply after gathering `kept`).
    public var standardizer: Standardizer {
        get throws { try Standardizer(mean: shift, scale: scale) }
    }

    /// A transform from its stored parts (e.g. read back from a model file).
    /// - Throws: `LogitsError.shapeMismatch` when `kinds` is not `inputCount` long or `kept`,
    ///   `shift`, `scale` differ in length; `.invalidValue` for a kept index outside
    ///   `0..<inputCount` or not ascending, a non-finite shift, or a zero/non-finite scale.
    public init(inputCount: Int, kinds: [FeatureKind], kept: [Int], shift: [Float], scale: [Float],
                policy: Policy = Policy()) throws {
        guard kinds.count == inputCount else {
            throw LogitsError.shapeMismatch("\(kinds.count) feature kinds for \(inputCount) input features")
        }
        guard kept.count == shift.count, kept.count == scale.count else {
            throw LogitsError.shapeMismatch("\(kept.count) kept columns, \(shift.count) shifts, \(scale.count) scales; expected equal counts")
        }
        for (k, c) in kept.enumerated() where c < 0 || c >= inputCount || (k > 0 && kept[k - 1] >= c) {
            throw LogitsError.invalidValue("kept column \(c) at position \(k); expected ascending indices in 0..<\(inputCount)")
        }
        guard shift.allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw LogitsError.invalidValue("feature scaling needs finite shifts and finite, non-zero scales")
        }
        self.inputCount = inputCount
        self.kinds = kinds
        self.kept = kept
        self.shift = shift
        self.scale = scale
        self.policy = policy
    }

    /// Fits on the `N x D` training matrix (`N >= 1`).
    /// - Throws: `LogitsError.invalidValue` for a matrix with no rows; `.nonFinite` when a kept
    ///   column's statistics are not finite (NaN/inf in the features).
    public init(fitting features: Matrix, policy: Policy = Policy()) throws {
        let (n, d) = (features.rows, features.cols)
        guard n > 0 else { throw LogitsError.invalidValue("cannot fit feature scaling on 0 rows") }
        let kinds = FeatureKind.classify(features)
        var sums = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        var maxAbs = [Double](repeating: 0, count: d)
        var low = [Double](repeating: .infinity, count: d), high = [Double](repeating: -.infinity, count: d)
        features.withUnsafeBufferPointer { x in
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let v = Double(x[base + c])
                    sums[c] += v
                    maxAbs[c] = max(maxAbs[c], abs(v))
                    low[c] = min(low[c], v)
                    high[c] = max(high[c], v)
                }
            }
            for c in 0..<d { sums[c] /= Double(n) }  // now the means
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let delta = Double(x[base + c]) - sums[c]
                    squares[c] += delta * delta
                }
            }
        }
        let stds = squares.map { ($0 / Double(n)).squareRoot() }
        let group = Self.sharedRangeScaling(kinds: kinds, low: low, high: high, mean: sums, std: stds, policy: policy)
        self.sharedRange = group.record
        var kept: [Int] = [], shift: [Float] = [], scale: [Float] = []
        for c in 0..<d {
            let std = stds[c]
            let (s, k): (Double, Double)
            switch kinds[c] {
            case .constant:
                if policy.dropConstant { continue }
                (s, k) = (sums[c], 1)
            case .binary:
                (s, k) = Self.scaling(policy.binary, mean: sums[c], std: std, maxAbs: maxAbs[c])
            case .count:
                (s, k) = Self.scaling(policy.counts, mean: sums[c], std: std, maxAbs: maxAbs[c])
            case .continuous:
                (s, k) = group.overrides[c] ?? (sums[c], std)
            }
            let fs = Float(s), fk = Float(k)
            guard fs.isFinite, fk.isFinite, fk != 0 else {
                throw LogitsError.nonFinite("feature \(c): mean or scale is not finite (NaN/inf in the features?)")
            }
            kept.append(c)
            shift.append(fs)
            scale.append(fk)
        }
        self.inputCount = d
        self.kinds = kinds
        self.kept = kept
        self.shift = shift
        self.scale = scale
        self.policy = policy
    }

    /// The transformed `M x K` copy of an `M x D` matrix: `out[r, k] = (x[r, kept[k]] - shift[k]) / scale[k]`.
    /// - Throws: `LogitsError.shapeMismatch` when `features.cols != inputCount`.
    public func apply(to features: Matrix) throws -> Matrix {
        guard features.cols == inputCount else {
            throw LogitsError.shapeMismatch("feature scaling fitted on \(inputCount) features, matrix has \(features.cols)")
        }
        let (m, d, k) = (features.rows, inputCount, kept.count)
        var out = Matrix(rows: m, cols: k)
        features.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                kept.withUnsafeBufferPointer { columns in
                    shift.withUnsafeBufferPointer { s in
                        scale.withUnsafeBufferPointer { q in
                            for r in 0..<m {
                                let (src, dst) = (r * d, r * k)
                                for j in 0..<k { y[dst + j] = (x[src + columns[j]] - s[j]) / q[j] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Number of input columns of each kind.
    public var kindCounts: [FeatureKind: Int] {
        kinds.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// `(shift, scale)` of a binary or count column under `choice`.
    static func scaling(_ choice: UncenteredScale, mean: Double, std: Double, maxAbs: Double) -> (Double, Double) {
        switch choice {
        case .maxAbs: return (0, maxAbs)
        case .standardDeviation: return (0, std)
        case .centredStandardDeviation: return (mean, std)
        case .centredOnly: return (mean, maxAbs)
        }
    }

    /// What was decided, one line per feature kind present, e.g.
    /// `"binary: 894 features kept unscaled (max-abs 1, not centred)"`. With `featureNames`
    /// (`D` names), the dropped constant features are named (the first 10, then a count).
    public func summaryLines(featureNames: [String]? = nil) -> [String] {
        let counts = kindCounts
        var lines: [String] = []
        func plural(_ n: Int) -> String { n == 1 ? "1 feature" : "\(n) features" }
        func uncentred(_ s: UncenteredScale) -> String {
            switch s {
            case .maxAbs: return "divided by their largest |value|, not centred"
            case .standardDeviation: return "divided by their std, not centred"
            case .centredStandardDeviation: return "standardized (x - mean) / std"
            case .centredOnly: return "centred, x - mean (divided by their largest |value|)"
            }
        }
        if let n = counts[.binary] {
            lines.append("binary {0,1}: \(plural(n)) " + (policy.binary == .maxAbs ? "kept as they are (not centred)" : uncentred(policy.binary)))
        }
        if let n = counts[.count] { lines.append("non-negative counts: \(plural(n)) \(uncentred(policy.counts))") }
        if let n = counts[.continuous] {
            var text = "continuous: \(plural(n)) standardized (x - mean) / std"
            if let group = sharedRange, let clause = Self.sharedRangeClause(group) {
                if group.scaling == .common {
                    // The group is not standardized column by column: say so first.
                    let rest = n - group.groupSize
                    text = "continuous: \(plural(n)); " + clause + (rest > 0 ? "; the other \(rest) standardized (x - mean) / std" : "")
                } else {
                    text += "; " + clause
                }
            }
            lines.append(text)
        }
        let dropped = self.dropped
        if !dropped.isEmpty {
            var text = "constant: \(plural(dropped.count)) dropped"
            if let names = featureNames, names.count == inputCount {
                let shown = dropped.prefix(10).map { names[$0] }.joined(separator: ", ")
                text += " (" + shown + (dropped.count > 10 ? ", ... \(dropped.count - 10) more" : "") + ")"
            }
            lines.append(text)
        } else if let n = counts[.constant] {
            lines.append("constant: \(plural(n)) kept (mapped to 0)")
        }
        return lines
    }
}

import Foundation

/// Continuous columns that share one value range (`Policy.sharedRange`).
///
/// Columns measured on one scale, such as the pixels of an image (every one in [0, 1]), are one
/// quantity: standardizing each by its own std makes a nearly constant one (an MNIST border
/// pixel that is non-zero in a handful of the 60 000 images: std 0.001-0.005, so its rare ink
/// becomes 200-1000 standard units) as loud as the informative ones. So, among the continuous
/// columns, when at least half of them have exactly the same training range `[lo, hi]` (the most
/// common `(min, max)` pair), the group of continuous columns whose values lie within `[lo, hi]`
/// is scaled as one quantity. By default (`.common`) all of them get one shift and one scale:
/// the mean and population std of all their `N x G` training values, `(x - μ) / σ`, what
/// torchvision's `Normalize(mean, std)` does with the data set's statistics (MNIST: 0.143 and
/// 0.319 over its 717 non-constant pixels; torchvision's customary 0.1307 and 0.3081 count all
/// 784). Columns in their own units (yeast: 103 different ranges) have
/// no shared range and keep their own mean and std; so does a column outside the shared range.
///
/// Measured (docs/training.md, "Pixels"; 784-512-256-10, seeds 0-2, test accuracy): MNIST
/// 98.65 % with `.common`, 98.51 % with `.flooredStandardDeviation` (β = 1), 98.32 % with
/// per-column standardization, 98.60 % for `p / 255` as is; Fashion-MNIST 90.47 %, 90.55 %,
/// 90.53 % and 90.07 % (seed 0).
extension FeatureScaling {
    /// How the continuous columns of a shared value range are scaled.
    public enum SharedRangeScale: String, Codable, Sendable, CaseIterable {
        /// One shift and one scale for the whole group: the mean and population std of all its
        /// training values (torchvision's `Normalize(mean, std)`). The default.
        case common
        /// Each column centred on its own mean and divided by `max(std_j, β · median_k std_k)`
        /// over the group (`β = Policy.sharedRangeFloor`).
        case flooredStandardDeviation
        /// Each column standardized like any other continuous column.
        case standardDeviation

        /// The name used by `logits train --shared-range`, summaries and `--json`: `common`,
        /// `floor` or `per-column`.
        public var name: String {
            switch self {
            case .common: return "common"
            case .flooredStandardDeviation: return "floor"
            case .standardDeviation: return "per-column"
            }
        }

        /// The choice called `name`, or `nil`.
        public init?(name: String) {
            guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
            self = match
        }
    }

    /// What was done to the columns of a shared value range.
    public struct SharedRangeGroup: Codable, Sendable, Equatable {
        /// The shared training range `[low, high]`.
        public var low: Double
        public var high: Double
        /// The number of continuous columns in the group.
        public var groupSize: Int
        public var scaling: SharedRangeScale
        /// `.common`: the group's mean and std.
        public var commonShift: Double?
        public var commonScale: Double?
        /// `.flooredStandardDeviation`: the floor `β · median std` and the number of columns
        /// whose std was below it.
        public var floor: Double?
        public var raised: Int?
    }

    /// The continuous columns that share one value range, and that range; nil when fewer than
    /// two columns, or fewer than half of the continuous ones, share their range.
    /// `low`/`high` are the columns' training minima and maxima, `std` their population stds.
    static func sharedRangeGroup(kinds: [FeatureKind], low: [Double], high: [Double], std: [Double])
        -> (columns: [Int], low: Double, high: Double)? {
        let continuous = kinds.indices.filter { kinds[$0] == .continuous && low[$0].isFinite && high[$0].isFinite && std[$0].isFinite }
        guard continuous.count >= 2 else { return nil }
        var counts: [RangeKey: Int] = [:]
        for c in continuous { counts[RangeKey(low: low[c], high: high[c]), default: 0] += 1 }
        // The most common range; ties go to the widest, then the lowest (deterministic).
        guard let (shared, n) = counts.max(by: { a, b in
            a.value != b.value ? a.value < b.value
                : a.key.high - a.key.low != b.key.high - b.key.low ? a.key.high - a.key.low < b.key.high - b.key.low
                : a.key.low > b.key.low
        }).map({ ($0.key, $0.value) }), n >= 2, 2 * n >= continuous.count else { return nil }
        return (continuous.filter { low[$0] >= shared.low && high[$0] <= shared.high }, shared.low, shared.high)
    }

    /// Per-column `(shift, scale)` overrides for the group's columns (nil elsewhere) under
    /// `policy`, and the record of what was done. `mean`/`std` are the columns' training means
    /// and population stds over the same `N` rows; `centred: false` (sparse data) gives shift 0.
    static func sharedRangeScaling(kinds: [FeatureKind], low: [Double], high: [Double], mean: [Double], std: [Double],
                                   policy: Policy, centred: Bool = true)
        -> (overrides: [(shift: Double, scale: Double)?], record: SharedRangeGroup?) {
        var overrides = [(shift: Double, scale: Double)?](repeating: nil, count: kinds.count)
        guard policy.sharedRange != .standardDeviation,
              let group = sharedRangeGroup(kinds: kinds, low: low, high: high, std: std) else { return (overrides, nil) }
        var record = SharedRangeGroup(low: group.low, high: group.high, groupSize: group.columns.count, scaling: policy.sharedRange)
        switch policy.sharedRange {
        case .common:
            // Equal row counts: the pooled mean is the mean of the means, the pooled variance the
            // mean of (variance + (mean - pooled mean)²).
            let g = Double(group.columns.count)
            let mu = group.columns.reduce(0) { $0 + mean[$1] } / g
            let variance = group.columns.reduce(0) { $0 + std[$1] * std[$1] + (mean[$1] - mu) * (mean[$1] - mu) } / g
            let sigma = variance.squareRoot()
            guard sigma > 0, sigma.isFinite, mu.isFinite else { return (overrides, nil) }
            for c in group.columns { overrides[c] = (centred ? mu : 0, sigma) }
            record.commonShift = centred ? mu : 0
            record.commonScale = sigma
        case .flooredStandardDeviation:
            let beta = policy.sharedRangeFloor
            guard beta > 0, beta.isFinite else { return (overrides, nil) }
            let sorted = group.columns.map { std[$0] }.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            let floor = beta * median
            for c in group.columns { overrides[c] = (centred ? mean[c] : 0, max(std[c], floor)) }
            record.floor = floor
            record.raised = group.columns.filter { std[$0] < floor }.count
        case .standardDeviation:
            return (overrides, nil)
        }
        return (overrides, record)
    }

    /// The summary-line clause for `record`.
    static func sharedRangeClause(_ record: SharedRangeGroup) -> String? {
        let range = "[\(short(record.low)), \(short(record.high))]"
        switch record.scaling {
        case .common:
            guard let mu = record.commonShift, let sigma = record.commonScale else { return nil }
            return "\(record.groupSize) share one value range \(range) and are scaled as one quantity, (x - \(short(mu))) / \(short(sigma)): the mean and std of all their values"
        case .flooredStandardDeviation:
            guard let floor = record.floor, let raised = record.raised, raised > 0 else { return nil }
            return "\(record.groupSize) share one value range \(range), \(raised) of them with a std below \(short(floor)) divided by that floor"
        case .standardDeviation:
            return nil
        }
    }

    /// A number for a summary line: 3 significant digits.
    static func short(_ value: Double) -> String {
        String(format: "%.3g", value)
    }

    private struct RangeKey: Hashable {
        var low: Double
        var high: Double
    }
}

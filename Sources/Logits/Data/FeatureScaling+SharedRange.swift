import Foundation

/// The std floor for continuous columns that share one value range (`Policy.sharedRangeFloor`).
///
/// Columns measured on one scale, such as the pixels of an image (every one in [0, 1]), are one
/// quantity: standardizing each by its own std makes a nearly constant one (an MNIST border
/// pixel that is non-zero in a handful of the 60 000 images: std 0.001-0.005, so its rare ink
/// becomes 200-1000 standard units) as loud as the informative ones. So, among the continuous
/// columns, when at least half of them have exactly the same training range `[lo, hi]` (the most
/// common `(min, max)` pair), the group of continuous columns whose values lie within `[lo, hi]`
/// is divided by `max(std_j, β · median_{k in group} std_k)` (`β = Policy.sharedRangeFloor`)
/// instead of `std_j`. Columns in their own units (yeast: 103 different ranges) have no shared
/// range and keep their std; so does a column outside the shared range.
extension FeatureScaling {
    /// `D` floors, 0 where a column gets none (see the extension's doc). `low`/`high` are the
    /// columns' training minima and maxima, `std` their population stds, `fraction` = β.
    static func sharedRangeFloors(kinds: [FeatureKind], low: [Double], high: [Double], std: [Double],
                                  fraction: Double) -> [Double] {
        var floors = [Double](repeating: 0, count: kinds.count)
        guard fraction > 0, fraction.isFinite else { return floors }
        let continuous = kinds.indices.filter { kinds[$0] == .continuous && low[$0].isFinite && high[$0].isFinite && std[$0].isFinite }
        guard continuous.count >= 2 else { return floors }
        var counts: [RangeKey: Int] = [:]
        for c in continuous { counts[RangeKey(low: low[c], high: high[c]), default: 0] += 1 }
        // The most common range; ties go to the widest, then the lowest (deterministic).
        guard let (shared, n) = counts.max(by: { a, b in
            a.value != b.value ? a.value < b.value
                : a.key.high - a.key.low != b.key.high - b.key.low ? a.key.high - a.key.low < b.key.high - b.key.low
                : a.key.low > b.key.low
        }).map({ ($0.key, $0.value) }), n >= 2, 2 * n >= continuous.count else { return floors }
        let group = continuous.filter { low[$0] >= shared.low && high[$0] <= shared.high }
        let sorted = group.map { std[$0] }.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        for c in group { floors[c] = fraction * median }
        return floors
    }

    /// The summary of `floors` (from `sharedRangeFloors`): nil when no column got one.
    static func floorSummary(floors: [Double], std: [Double]) -> SharedRangeFloor? {
        let group = floors.indices.filter { floors[$0] > 0 }
        guard let first = group.first else { return nil }
        return SharedRangeFloor(floor: floors[first], raised: group.filter { std[$0] < floors[$0] }.count, groupSize: group.count)
    }

    /// A floor for a summary line: 3 significant digits.
    static func short(_ value: Double) -> String {
        String(format: "%.3g", value)
    }

    private struct RangeKey: Hashable {
        var low: Double
        var high: Double
    }
}

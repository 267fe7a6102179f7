/// What the training values of one feature column look like; decides how it is scaled
/// (`FeatureScaling`) and is reported by `DataDiagnostics`.
public enum FeatureKind: String, Codable, Sendable, CaseIterable {
    /// Every value equal (including a column of zeros): carries no information.
    case constant
    /// Exactly two values, 0 and 1.
    case binary
    /// Non-negative whole numbers, not binary (e.g. word counts).
    case count
    /// Anything else (negative or fractional values, NaN/inf).
    case continuous

    /// The kind of each column of an `N x D` matrix (`D` kinds), in one pass over the rows.
    /// A matrix with no rows gives `.constant` for every column.
    public static func classify(_ features: Matrix) -> [FeatureKind] {
        let (n, d) = (features.rows, features.cols)
        guard n > 0 else { return [FeatureKind](repeating: .constant, count: d) }
        var first = [Float](repeating: 0, count: d)
        var varies = [Bool](repeating: false, count: d)
        var onlyZeroOne = [Bool](repeating: true, count: d)
        var onlyCounts = [Bool](repeating: true, count: d)
        features.withUnsafeBufferPointer { x in
            for c in 0..<d { first[c] = x[c] }
            for r in 0..<n {
                let base = r * d
                for c in 0..<d {
                    let v = x[base + c]
                    if v != first[c] { varies[c] = true }
                    if v != 0 && v != 1 {
                        onlyZeroOne[c] = false
                        // `v.rounded() == v` is false for NaN; inf is excluded explicitly.
                        if !(v > 0 && v.isFinite && v.rounded(.towardZero) == v) { onlyCounts[c] = false }
                    }
                }
            }
        }
        return (0..<d).map { c in
            if !varies[c] && !first[c].isNaN { return .constant }
            if onlyZeroOne[c] { return .binary }
            if onlyCounts[c] { return .count }
            return .continuous
        }
    }
}

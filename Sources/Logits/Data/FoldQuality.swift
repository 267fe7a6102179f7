/// How well a set of folds stratifies the data: the measures of Sechidis, Tsoumakas and
/// Vlahavas, "On the Stratification of Multi-Label Data" (ECML PKDD 2011), section 4.
///
/// Notation: `D` the whole data set (`|D| = N` rows), `S_1 ... S_k` the folds, `D^i` / `S_j^i`
/// the rows of `D` / `S_j` that have label `i` (class `i` for class-index targets, which are
/// treated as one-hot labels), `q` the number of labels.
public enum FoldQuality {
    /// Label distribution (LD), lower is better (0 = every fold has each label's exact ratio):
    ///
    ///     LD = (1/q) sum_i (1/k) sum_j | |S_j^i| / (|S_j| - |S_j^i|)  -  |D^i| / (|D| - |D^i|) |
    ///
    /// i.e. the mean absolute difference between each fold's positive-to-negative ratio of a
    /// label and the whole set's. Labels with no negative row in `D` (ratio undefined) are left
    /// out of the mean (`q` counts the others); a fold in which every row has label `i` uses a
    /// denominator of 1 for its ratio instead of 0.
    ///
    /// - Parameters:
    ///   - folds: `k` disjoint lists of row indices in `0..<N` (indices outside are ignored).
    ///   - targets: `N` class indices or an `N x L` 0/1 matrix (entries other than 0 count as 1).
    ///   - classCount: number of classes for class-index targets (default: largest index + 1).
    /// - Returns: LD, or 0 when there are no folds or no label with a defined ratio.
    public static func labelDistribution(folds: [[Int]], targets: Targets, classCount: Int? = nil) -> Double {
        let counts = positiveCounts(folds: folds, targets: targets, classCount: classCount)
        return labelDistribution(rows: targets.count, whole: counts.whole, perFold: counts.perFold, sizes: counts.sizes)
    }

    /// LD from counts: `rows` = `|D|`, `whole[i]` = `|D^i|`, `perFold[j][i]` = `|S_j^i|`,
    /// `sizes[j]` = `|S_j|` (the same conventions as `labelDistribution(folds:targets:classCount:)`).
    static func labelDistribution(rows: Int, whole: [Int], perFold: [[Int]], sizes: [Int]) -> Double {
        let n = Double(rows)
        guard !sizes.isEmpty else { return 0 }
        var total = 0.0
        var labels = 0
        for i in whole.indices {
            let all = Double(whole[i])
            guard n - all > 0 else { continue }
            let overall = all / (n - all)
            var sum = 0.0
            for j in sizes.indices {
                let pos = Double(perFold[j][i])
                sum += abs(pos / max(Double(sizes[j]) - pos, 1) - overall)
            }
            total += sum / Double(sizes.count)
            labels += 1
        }
        return labels == 0 ? 0 : total / Double(labels)
    }

    /// Examples distribution (ED), lower is better: the mean absolute deviation of the fold
    /// sizes from the desired size `N / k`,
    ///
    ///     ED = (1/k) sum_j | |S_j| - N / k |
    ///
    /// - Parameters: `folds` the `k` folds; `count` the number of rows `N`.
    public static func examplesDistribution(folds: [[Int]], count: Int) -> Double {
        guard !folds.isEmpty else { return 0 }
        let target = Double(count) / Double(folds.count)
        return folds.reduce(0.0) { $0 + abs(Double($1.count) - target) } / Double(folds.count)
    }

    /// Fold-label pairs with zero positives (the paper's FLZ): the number of `(j, i)` with
    /// `|S_j^i| = 0` among labels that have at least `k` positives in `D` (a label with fewer
    /// cannot be in every fold, so it is not counted).
    public static func zeroPositivePairs(folds: [[Int]], targets: Targets, classCount: Int? = nil) -> Int {
        let counts = positiveCounts(folds: folds, targets: targets, classCount: classCount)
        var zero = 0
        for i in 0..<counts.labels where counts.whole[i] >= folds.count {
            for j in folds.indices where counts.perFold[j][i] == 0 { zero += 1 }
        }
        return zero
    }

    /// Per-fold and whole-set positive counts per label, and fold sizes (valid indices only).
    static func positiveCounts(folds: [[Int]], targets: Targets, classCount: Int?)
        -> (labels: Int, whole: [Int], perFold: [[Int]], sizes: [Int]) {
        let n = targets.count
        switch targets {
        case .classIndices(let y):
            let labels = max(classCount ?? 0, (y.max() ?? -1) + 1)
            var whole = [Int](repeating: 0, count: labels)
            for c in y where c >= 0 { whole[c] += 1 }
            var perFold = [[Int]](repeating: [Int](repeating: 0, count: labels), count: folds.count)
            var sizes = [Int](repeating: 0, count: folds.count)
            for (j, fold) in folds.enumerated() {
                for i in fold where i >= 0 && i < n {
                    sizes[j] += 1
                    if y[i] >= 0 { perFold[j][y[i]] += 1 }
                }
            }
            return (labels, whole, perFold, sizes)
        case .matrix(let m):
            let labels = m.cols
            var whole = [Int](repeating: 0, count: labels)
            var perFold = [[Int]](repeating: [Int](repeating: 0, count: labels), count: folds.count)
            var sizes = [Int](repeating: 0, count: folds.count)
            m.withUnsafeBufferPointer { t in
                for r in 0..<n { for c in 0..<labels where t[r * labels + c] != 0 { whole[c] += 1 } }
                for (j, fold) in folds.enumerated() {
                    for i in fold where i >= 0 && i < n {
                        sizes[j] += 1
                        for c in 0..<labels where t[i * labels + c] != 0 { perFold[j][c] += 1 }
                    }
                }
            }
            return (labels, whole, perFold, sizes)
        }
    }
}

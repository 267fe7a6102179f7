extension Dataset {
    /// `k` disjoint folds of the row indices `0..<N`, reproducibly for a given `seed`.
    ///
    /// The folds partition `0..<N` exactly (every row in exactly one fold), each fold is sorted
    /// ascending and non-empty, and fold sizes are `N / k` up to rounding. The assignment is
    /// stratified:
    /// - multi-class (class indices): as scikit-learn's `StratifiedKFold(shuffle=True)`, each
    ///   class is spread over the folds so that its count differs by at most 1 between folds,
    ///   and fold sizes differ by at most 1 (see `KFold.stratifiedClasses`);
    /// - multi-label / binary (0/1 matrix): iterative stratification (Sechidis, Tsoumakas and
    ///   Vlahavas, ECML PKDD 2011, Algorithm 1), the best of `restarts` runs by label
    ///   distribution (see `KFold.iterativeStratification`; `restarts` is ignored for classes).
    ///
    /// - Returns: `k` arrays of row indices; fold `j` is the held-out part of round `j`.
    /// - Throws: `LogitsError.invalidValue` when `k < 2`, `k > N`, or a class index is negative.
    public func foldIndices(k: Int, seed: UInt64, restarts: Int = KFold.defaultRestarts) throws -> [[Int]] {
        try KFold.foldIndices(targets: targets, classCount: labelNames.count, k: k, seed: seed, restarts: restarts)
    }

    /// The `k` rounds of cross-validation over `foldIndices(k:seed:)`: round `j` holds out fold
    /// `j` (`test`) and trains on the union of the other folds (`train`), both ascending.
    public func foldSplits(k: Int, seed: UInt64, restarts: Int = KFold.defaultRestarts) throws -> [(train: [Int], test: [Int])] {
        KFold.splits(folds: try foldIndices(k: k, seed: seed, restarts: restarts), count: count)
    }
}

/// Deterministic (per seed) stratified K-fold assignment of rows to folds.
///
/// Everything draws from one `SeededGenerator(seed:)`, so the same targets, `k` and seed give
/// the same folds on every platform.
public enum KFold {
    /// `k` folds of `0..<targets.count` (see `Dataset.foldIndices(k:seed:)`).
    /// - Parameters:
    ///   - targets: class indices or a 0/1 label matrix, one entry or row per data row.
    ///   - classCount: the number of classes for class-index targets (ignored for a
    ///     target matrix); classes above the largest index simply have no rows.
    ///   - k: the number of folds (at least 2, at most the row count).
    ///   - seed: seeds every random draw.
    ///   - restarts: runs of the assignment with different draws; the one with the lowest LD is kept.
    public static func foldIndices(targets: Targets, classCount: Int, k: Int, seed: UInt64,
                                   restarts: Int = defaultRestarts) throws -> [[Int]] {
        let n = targets.count
        guard k >= 2 else { throw LogitsError.invalidValue("\(k) folds; expected at least 2") }
        guard k <= n else { throw LogitsError.invalidValue("\(k) folds for \(n) samples; expected at most one fold per sample") }
        var rng = SeededGenerator(seed: seed)
        var fold: [Int]
        switch targets {
        case .classIndices(let y):
            guard y.allSatisfy({ $0 >= 0 }) else {
                throw LogitsError.invalidValue("negative class index in the targets; expected 0..<\(classCount)")
            }
            fold = stratifiedClasses(y, classes: max(classCount, (y.max() ?? -1) + 1), k: k, rng: &rng)
        case .matrix(let m):
            fold = iterativeStratification(m, k: k, restarts: restarts, rng: &rng)
            fillEmptyFolds(&fold, k: k, rng: &rng)
        }
        var folds = [[Int]](repeating: [], count: k)
        for i in 0..<n { folds[fold[i]].append(i) }
        return folds
    }

    /// Train/test row lists per round: round `j` tests on `folds[j]` and trains on the rest
    /// (`count` is `N`; both lists ascending).
    public static func splits(folds: [[Int]], count: Int) -> [(train: [Int], test: [Int])] {
        var owner = [Int](repeating: -1, count: count)
        for (j, fold) in folds.enumerated() { for i in fold where i >= 0 && i < count { owner[i] = j } }
        return folds.indices.map { j in
            (train: (0..<count).filter { owner[$0] != j && owner[$0] >= 0 }, test: folds[j])
        }
    }

    /// Stratified K-fold for class indices: returns each row's fold in `0..<k`.
    ///
    /// Rows of each class are shuffled, then dealt round-robin over the folds, continuing the
    /// deal from class to class (classes in index order) over a random order of the folds.
    /// Hence each class's count per fold is `floor(n_c / k)` or `ceil(n_c / k)`, and fold sizes
    /// differ by at most 1 — the guarantees of scikit-learn's `StratifiedKFold`.
    static func stratifiedClasses(_ y: [Int], classes: Int, k: Int, rng: inout SeededGenerator) -> [Int] {
        var members = [[Int]](repeating: [], count: classes)
        for (i, c) in y.enumerated() { members[c].append(i) }
        let foldOrder = rng.permutation(k)
        var fold = [Int](repeating: 0, count: y.count)
        var dealt = 0
        for c in 0..<classes {
            rng.shuffle(&members[c])
            for i in members[c] {
                fold[i] = foldOrder[dealt % k]
                dealt += 1
            }
        }
        return fold
    }

    /// The default number of candidate assignments `iterativeStratification` scores.
    public static let defaultRestarts = 8

    /// Iterative stratification (Sechidis et al. 2011, Algorithm 1) of an `N x L` 0/1 matrix
    /// into `k` folds of equal desired size, best of `restarts` runs: returns each row's fold in `0..<k`.
    ///
    /// One run: with `r_j = 1/k`, fold `j` desires `c_j = N r_j` rows and `c_j^l = |D^l| r_j`
    /// positives of label `l` (`D^l`: rows with label `l`). Rows are first put in a random order.
    /// Then, while some labelled row is unassigned: take the label `l` with the fewest unassigned
    /// positive rows (ties: random); give each of its unassigned rows, in turn, to the fold with
    /// the largest `c_j^l`, ties to the largest `c_j`, then at random; after each assignment
    /// decrement `c_j` and `c_j^m` for every label `m` of that row. Rows with no label are dealt
    /// last, each to the fold with the largest `c_j` (ties random), which fills the folds evenly.
    ///
    /// The algorithm is greedy and its result depends on the random order and tie-breaks, so
    /// `restarts` runs (each with its own draws from `rng`) are scored and the one with the
    /// lowest label distribution `FoldQuality.labelDistribution` (ties: lower examples
    /// distribution, then the earlier run) is returned. `restarts = 1` is plain Algorithm 1.
    ///
    /// Cost: one `O(N L)` pass over the matrix to list each row's labels, then per run `O(L^2)`
    /// to pick the labels and `O(k nnz)` to place the rows and score them (`nnz`: positive
    /// entries). Desires are kept as exact integers scaled by `k`
    /// (`k c_j^l = |D^l| - k * assigned`), so ties are exact.
    static func iterativeStratification(_ y: Matrix, k: Int, restarts: Int = defaultRestarts,
                                        rng: inout SeededGenerator) -> [Int] {
        let (n, l) = (y.rows, y.cols)
        // Row -> labels (CSR, ascending labels).
        var labelStart = [Int](repeating: 0, count: n + 1)
        var labelIndex: [Int] = []
        var whole = [Int](repeating: 0, count: l)
        y.withUnsafeBufferPointer { t in
            for i in 0..<n {
                labelStart[i] = labelIndex.count
                let base = i * l
                for c in 0..<l where t[base + c] != 0 {
                    labelIndex.append(c)
                    whole[c] += 1
                }
            }
            labelStart[n] = labelIndex.count
        }
        var best: [Int] = []
        var bestScore = (Double.infinity, Double.infinity)
        for _ in 0..<max(1, restarts) {
            let fold = assignOnce(rows: n, labels: l, labelStart: labelStart, labelIndex: labelIndex,
                                  whole: whole, k: k, rng: &rng)
            var sizes = [Int](repeating: 0, count: k)
            var perFold = [[Int]](repeating: [Int](repeating: 0, count: l), count: k)
            for i in 0..<n {
                sizes[fold[i]] += 1
                for p in labelStart[i]..<labelStart[i + 1] { perFold[fold[i]][labelIndex[p]] += 1 }
            }
            let ld = FoldQuality.labelDistribution(rows: n, whole: whole, perFold: perFold, sizes: sizes)
            let target = Double(n) / Double(k)
            let ed = sizes.reduce(0.0) { $0 + abs(Double($1) - target) } / Double(k)
            if ld < bestScore.0 || (ld == bestScore.0 && ed < bestScore.1) {
                best = fold
                bestScore = (ld, ed)
            }
        }
        return best
    }

    /// One run of Algorithm 1 (see `iterativeStratification`) on the CSR label lists.
    private static func assignOnce(rows n: Int, labels l: Int, labelStart: [Int], labelIndex: [Int],
                                   whole: [Int], k: Int, rng: inout SeededGenerator) -> [Int] {
        let order = rng.permutation(n)
        // Label -> rows, in the random order.
        var examplesOf = [[Int]](repeating: [], count: l)
        for m in 0..<l { examplesOf[m].reserveCapacity(whole[m]) }
        for i in order { for p in labelStart[i]..<labelStart[i + 1] { examplesOf[labelIndex[p]].append(i) } }
        // Desires scaled by k: desired[j] = N - k * rows(j); desiredLabel[j * l + m] = |D^m| - k * pos(j, m).
        var desired = [Int](repeating: n, count: k)
        var desiredLabel = [Int](repeating: 0, count: k * l)
        for j in 0..<k { for m in 0..<l { desiredLabel[j * l + m] = whole[m] } }
        var remaining = whole
        var fold = [Int](repeating: -1, count: n)

        while true {
            // The label with the fewest unassigned rows (> 0), ties uniformly at random.
            var label = -1, ties = 0
            for m in 0..<l where remaining[m] > 0 {
                if label < 0 || remaining[m] < remaining[label] {
                    label = m; ties = 1
                } else if remaining[m] == remaining[label] {
                    ties += 1
                    if rng.int(below: ties) == 0 { label = m }
                }
            }
            guard label >= 0 else { break }
            for i in examplesOf[label] where fold[i] < 0 {
                var best = 0, bestTies = 1
                for j in 1..<k {
                    let a = desiredLabel[j * l + label], b = desiredLabel[best * l + label]
                    if a > b || (a == b && desired[j] > desired[best]) {
                        best = j; bestTies = 1
                    } else if a == b && desired[j] == desired[best] {
                        bestTies += 1
                        if rng.int(below: bestTies) == 0 { best = j }
                    }
                }
                fold[i] = best
                desired[best] -= k
                for p in labelStart[i]..<labelStart[i + 1] {
                    let m = labelIndex[p]
                    desiredLabel[best * l + m] -= k
                    remaining[m] -= 1
                }
            }
        }
        for i in order where fold[i] < 0 {
            var best = 0, bestTies = 1
            for j in 1..<k {
                if desired[j] > desired[best] {
                    best = j; bestTies = 1
                } else if desired[j] == desired[best] {
                    bestTies += 1
                    if rng.int(below: bestTies) == 0 { best = j }
                }
            }
            fold[i] = best
            desired[best] -= k
        }
        return fold
    }

    /// Makes every fold non-empty (possible only for tiny, oddly labelled data with `k` close
    /// to `N`): an empty fold takes a random row from the currently largest fold.
    static func fillEmptyFolds(_ fold: inout [Int], k: Int, rng: inout SeededGenerator) {
        var sizes = [Int](repeating: 0, count: k)
        for j in fold { sizes[j] += 1 }
        for j in 0..<k where sizes[j] == 0 {
            guard let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }), sizes[largest] > 1 else { return }
            let candidates = fold.indices.filter { fold[$0] == largest }
            let i = candidates[rng.int(below: candidates.count)]
            fold[i] = j
            sizes[largest] -= 1
            sizes[j] += 1
        }
    }
}

extension Dataset {
    /// Splits into `(train, validation)`, reproducibly for a given `seed`.
    ///
    /// The validation part gets `round(validationFraction * N)` samples (at least 1, at most
    /// `N - 1`; exact for random and multi-class splits, approximate for iterative
    /// stratification). With `stratified`:
    /// - multi-class: each class is split in the same proportion (per-class quotas by largest
    ///   remainder, samples drawn at random within each class);
    /// - multi-label / binary: iterative stratification (Sechidis, Tsoumakas and Vlahavas,
    ///   ECML PKDD 2011), which keeps each label's positive rate close in both parts and puts
    ///   rare labels in both whenever their count allows.
    /// Without it, a uniformly random split. Both parts keep the original row order.
    /// - Throws: `LogitsError.invalidValue` for a fraction outside (0, 1) or fewer than 2 samples.
    public func split(validationFraction: Double, seed: UInt64, stratified: Bool = true) throws -> (train: Dataset, validation: Dataset) {
        let (train, validation) = try splitIndices(validationFraction: validationFraction, seed: seed, stratified: stratified)
        return (subset(rows: train), subset(rows: validation))
    }

    /// The row indices of `split(validationFraction:seed:stratified:)`, each part ascending.
    public func splitIndices(validationFraction: Double, seed: UInt64, stratified: Bool = true) throws -> (train: [Int], validation: [Int]) {
        try Self.splitIndices(targets: targets, classCount: labelNames.count,
                              validationFraction: validationFraction, seed: seed, stratified: stratified)
    }

    /// The split of `split(validationFraction:seed:stratified:)` on bare targets (what the
    /// `Trainer` uses for `.fraction` validation): `classCount` is the number of classes for
    /// class-index targets (ignored for a target matrix).
    public static func splitIndices(targets: Targets, classCount: Int, validationFraction: Double, seed: UInt64,
                                    stratified: Bool = true) throws -> (train: [Int], validation: [Int]) {
        let count = targets.count
        guard validationFraction > 0, validationFraction < 1 else {
            throw LogitsError.invalidValue("validation fraction \(validationFraction); expected a value in (0, 1)")
        }
        guard count >= 2 else {
            throw LogitsError.invalidValue("cannot split \(count) sample(s); expected at least 2")
        }
        var rng = SeededGenerator(seed: seed)
        let wanted = min(max(Int((validationFraction * Double(count)).rounded()), 1), count - 1)
        var inValidation: [Bool]
        switch (stratified, targets) {
        case (false, _):
            inValidation = [Bool](repeating: false, count: count)
            for i in rng.permutation(count).prefix(wanted) { inValidation[i] = true }
        case (true, .classIndices(let y)):
            let classes = max(classCount, (y.max() ?? -1) + 1)
            guard y.allSatisfy({ $0 >= 0 }) else {
                throw LogitsError.invalidValue("negative class index in the targets; expected 0..<\(classes)")
            }
            inValidation = stratifiedClasses(y, classes: classes, wanted: wanted, rng: &rng)
        case (true, .matrix(let m)):
            inValidation = iterativeStratification(m, fraction: validationFraction, rng: &rng)
            ensureNonEmpty(&inValidation, rng: &rng)
        }
        var train: [Int] = []
        var validation: [Int] = []
        for i in 0..<count { if inValidation[i] { validation.append(i) } else { train.append(i) } }
        return (train, validation)
    }

    /// Per-class quotas summing to `wanted` (floor of the proportional share, the remainder to
    /// the classes with the largest fractional parts), then a random draw within each class.
    static func stratifiedClasses(_ y: [Int], classes: Int, wanted: Int, rng: inout SeededGenerator) -> [Bool] {
        let n = y.count
        var members = [[Int]](repeating: [], count: classes)
        for (i, c) in y.enumerated() { members[c].append(i) }
        let fraction = Double(wanted) / Double(n)
        var quota = members.map { Int((Double($0.count) * fraction).rounded(.down)) }
        let remainders = members.enumerated().map { (c, m) in (c, Double(m.count) * fraction - Double(quota[c])) }
        var missing = wanted - quota.reduce(0, +)
        for (c, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) where missing > 0 {
            if quota[c] < members[c].count { quota[c] += 1; missing -= 1 }
        }
        var result = [Bool](repeating: false, count: n)
        for c in 0..<classes {
            var m = members[c]
            rng.shuffle(&m)
            for i in m.prefix(quota[c]) { result[i] = true }
        }
        return result
    }

    /// Iterative stratification for two parts (train, validation) of an `N x L` 0/1 matrix.
    ///
    /// Repeatedly takes the label with the fewest not-yet-assigned positive samples and hands
    /// each of its samples to the part that still wants the most of that label (ties: the part
    /// that wants the most samples overall, then a coin flip); samples with no label go to the
    /// part that wants the most samples.
    static func iterativeStratification(_ y: Matrix, fraction: Double, rng: inout SeededGenerator) -> [Bool] {
        let (n, l) = (y.rows, y.cols)
        let ratios = [1 - fraction, fraction]
        let order = rng.permutation(n)
        var labelsOf = [[Int]](repeating: [], count: n)
        var examplesOf = [[Int]](repeating: [], count: l)
        y.withUnsafeBufferPointer { t in
            for i in order {
                for k in 0..<l where t[i * l + k] != 0 {
                    labelsOf[i].append(k)
                    examplesOf[k].append(i)
                }
            }
        }
        var desired = ratios.map { $0 * Double(n) }
        var desiredLabel = ratios.map { r in examplesOf.map { r * Double($0.count) } }
        var remaining = examplesOf.map(\.count)
        var part = [Int](repeating: -1, count: n)

        func pick(_ scores: [Double], _ secondary: [Double]) -> Int {
            if scores[0] != scores[1] { return scores[0] > scores[1] ? 0 : 1 }
            if secondary[0] != secondary[1] { return secondary[0] > secondary[1] ? 0 : 1 }
            return rng.int(below: 2)
        }

        while true {
            var label = -1
            for k in 0..<l where remaining[k] > 0 && (label < 0 || remaining[k] < remaining[label]) { label = k }
            guard label >= 0 else { break }
            for i in examplesOf[label] where part[i] < 0 {
                let j = pick([desiredLabel[0][label], desiredLabel[1][label]], desired)
                part[i] = j
                desired[j] -= 1
                for k in labelsOf[i] {
                    desiredLabel[j][k] -= 1
                    remaining[k] -= 1
                }
            }
        }
        for i in order where part[i] < 0 {
            let j = pick(desired, [0, 0])
            part[i] = j
            desired[j] -= 1
        }
        return part.map { $0 == 1 }
    }

    /// Guarantees both parts are non-empty (tiny data sets can end up one-sided).
    static func ensureNonEmpty(_ inValidation: inout [Bool], rng: inout SeededGenerator) {
        let validation = inValidation.filter { $0 }.count
        if validation == 0 { inValidation[rng.int(below: inValidation.count)] = true }
        if validation == inValidation.count { inValidation[rng.int(below: inValidation.count)] = false }
    }
}

extension Dataset {
    /// The same samples with their feature columns reordered to `names` (e.g. a model's
    /// feature names), matched by name: column `k` of the result is the column named `names[k]`.
    /// Columns named in `ignoring` may be present and are dropped.
    /// - Throws: `DataFileError` naming `source` and listing missing, unknown and duplicate
    ///   names (see `CSVColumns.order`).
    public func reorderingFeatures(to names: [String], source: String, ignoring: Set<String> = []) throws -> Dataset {
        let order = try CSVColumns.order(header: featureNames, expected: names, source: source, ignoring: ignoring)
        if order == Array(0..<featureCount) { return self }
        if let sparse = sparseFeatures {
            var out = self
            out.featureMatrix = .sparse(try sparse.gatherColumns(order))
            out.featureNames = names
            return out
        }
        let d = featureCount
        let n = count
        try MemoryBudget.checkLoad(bytes: MemoryBudget.product(n, order.count, 4),
                                   what: "reordering \(n) rows x \(order.count) features", file: source)
        var x = [Float](repeating: 0, count: n * order.count)
        features.storage.withUnsafeBufferPointer { src in
            for r in 0..<n {
                for (k, c) in order.enumerated() { x[r * order.count + k] = src[r * d + c] }
            }
        }
        return Dataset(unchecked: Dataset.matrix(rows: n, cols: order.count, x), targets: targets,
                       featureNames: names, labelNames: labelNames, task: task, labelMask: labelMask)
    }
}

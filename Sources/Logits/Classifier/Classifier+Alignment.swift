import Foundation

/// Matching a data set's columns and labels to the classifier's by name.
extension Classifier {
    /// `data` with its feature columns in the classifier's order and its targets re-indexed to
    /// `labelNames`.
    ///
    /// - Features: when `data` names its features (not the loaders' generic `f0, f1, ...`), they are
    ///   matched by name: any order is accepted; a missing, unknown or duplicate name is an error
    ///   listing them. Generic names are matched by position and the counts must agree.
    /// - Targets: classes/labels are matched by name (a file may list fewer of them, or in another
    ///   order); a label the file never mentions has no positive row.
    /// - Throws: `LogitsError.shapeMismatch` / `.invalidValue` with a message naming `source`.
    public func align(_ data: Dataset, source: String) throws -> Dataset {
        var out = data
        out.featureMatrix = try alignFeatures(of: data, source: source)
        out.featureNames = featureNames
        out.targets = try Self.alignTargets(of: data, to: labelNames, task: task, source: source, against: "the model")
        if let mask = data.labelMask, data.labelNames != labelNames {
            // Same re-indexing as the targets; a label the file does not have counts as observed.
            var m = Matrix(rows: mask.rows, cols: labelNames.count)
            m.fill(1)
            let index = Dictionary(labelNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for (c, name) in data.labelNames.enumerated() {
                guard let j = index[name] else { continue }
                for r in 0..<mask.rows { m[r, j] = mask[r, c] }
            }
            out.labelMask = m
        }
        out.labelNames = labelNames
        out.task = task
        return out
    }

    /// The columns of `features` (named `names`) reordered to `featureNames` (see `align`).
    public func alignFeatures(_ features: Matrix, names: [String], source: String) throws -> Matrix {
        let permutation = try Self.columnPermutation(of: names, to: featureNames, source: source)
        guard let permutation else { return features }
        guard permutation.contains(-1) else { return features.gatherColumns(permutation) }
        var out = Matrix(rows: features.rows, cols: permutation.count)  // -1: an all-zero indicator
        for r in 0..<features.rows {
            for (k, c) in permutation.enumerated() where c >= 0 { out[r, k] = features[r, c] }
        }
        return out
    }

    /// The attribute of a one-hot indicator column `"NAME=VALUE"` (`Dataset.encodingNominalFeatures`):
    /// the text before the first `=`, or `nil`.
    static func oneHotAttribute(_ name: String) -> Substring? {
        guard let eq = name.firstIndex(of: "="), eq > name.startIndex else { return nil }
        return name[..<eq]
    }

    /// `nil` when `names` already equal `expected` (or both are generic and the counts agree),
    /// otherwise `expected[k] = names[permutation[k]]`, or `permutation[k] = -1` for a one-hot
    /// indicator `"NAME=VALUE"` of a value the file does not declare (all zeros).
    /// - Throws: `LogitsError.shapeMismatch` listing missing, unknown and duplicate names.
    public static func columnPermutation(of names: [String], to expected: [String], source: String) throws -> [Int]? {
        if names == expected { return nil }
        if isGeneric(names) || isGeneric(expected) {
            guard names.count == expected.count else {
                throw LogitsError.shapeMismatch("'\(source)' has \(names.count) features, the model expects \(expected.count)")
            }
            return nil
        }
        var index: [String: Int] = [:]
        var duplicates: [String] = []
        for (i, name) in names.enumerated() {
            if index[name] != nil { duplicates.append(name) } else { index[name] = i }
        }
        let known = Set(expected)
        // One-hot indicators of an attribute both sides have: a value the model knows but the file
        // does not declare is an all-zero column (-1); a value the file declares but the model never
        // saw is left out, so its rows get all-zero indicators (scikit-learn's
        // `OneHotEncoder(handle_unknown="ignore")`).
        let shared = Set(expected.compactMap(oneHotAttribute)).intersection(names.compactMap(oneHotAttribute))
        let isShared: (String) -> Bool = { oneHotAttribute($0).map(shared.contains) ?? false }
        let missing = expected.filter { index[$0] == nil && !isShared($0) }
        let unknown = names.filter { !known.contains($0) && !isShared($0) }
        guard missing.isEmpty, unknown.isEmpty, duplicates.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing feature(s) \(list(missing))") }
            if !unknown.isEmpty { parts.append("unknown column(s) \(list(unknown))") }
            if !duplicates.isEmpty { parts.append("duplicate column(s) \(list(duplicates))") }
            throw LogitsError.shapeMismatch("'\(source)': feature names do not match the model's: " + parts.joined(separator: "; "))
        }
        return expected.map { index[$0] ?? -1 }
    }

    /// The loaders' default names `f0, f1, ...` carry no information.
    static func isGeneric(_ names: [String]) -> Bool {
        names.enumerated().allSatisfy { $1 == "f\($0)" }
    }

    static func list(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", ... (\(names.count) in all)" : "")
    }

    /// `data`'s targets re-indexed to `names`.
    /// - Throws: when the task kind differs or the file names a class/label `against` does not know.
    public static func alignTargets(of data: Dataset, to names: [String], task: ClassificationTask,
                                    source: String, against: String) throws -> Targets {
        let dataMulti: Bool, multi: Bool
        if case .multiClass = data.task { dataMulti = true } else { dataMulti = false }
        if case .multiClass = task { multi = true } else { multi = false }
        guard dataMulti == multi else {
            throw LogitsError.invalidValue("'\(source)' is a \(dataMulti ? "multi-class" : "multi-label") data set, \(against) is \(multi ? "multi-class" : "multi-label")")
        }
        if data.labelNames == names { return data.targets }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let mapping = try data.labelNames.map { name -> Int in
            guard let j = index[name] else {
                throw LogitsError.invalidValue("'\(source)' has the \(multi ? "class" : "label") '\(name)' that \(against) does not know (it has \(names.count): \(list(names)))")
            }
            return j
        }
        switch data.targets {
        case .classIndices(let y):
            return .classIndices(y.map { mapping[$0] })
        case .matrix(let m):
            var out = Matrix(rows: m.rows, cols: names.count)
            for r in 0..<m.rows { for c in 0..<m.cols { out[r, mapping[c]] = m[r, c] } }
            return .matrix(out)
        }
    }
}

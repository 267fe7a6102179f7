/// A nominal (categorical) feature attribute as a loader records it: feature column `column`
/// holds each row's value coded by its position in `values` (`0 ..< values.count`).
public struct NominalFeature: Sendable, Equatable {
    /// The feature column holding the codes.
    public var column: Int
    /// The attribute's name.
    public var name: String
    /// The declared values, in declaration order.
    public var values: [String]

    public init(column: Int, name: String, values: [String]) {
        self.column = column
        self.name = name
        self.values = values
    }

    /// `{0,1}`: the code already is the indicator of value `1`; the column stays as it is.
    public var isBinaryDigit: Bool { values == ["0", "1"] }
}

extension Dataset {
    /// The data set with its recorded nominal feature columns (`nominalFeatures`) one-hot encoded
    /// as `NominalEncoding.plan` decides: an attribute with `V` values in `2 ... limit` becomes `V`
    /// indicator columns named `"NAME=VALUE"` (in declaration order, at the attribute's place);
    /// a `{0,1}` attribute stays one column, unchanged and uncopied when it is the only kind;
    /// one with a single value or more than `limit` values is dropped and its warning appended
    /// to `warnings`. `nominalFeatures` is empty afterwards.
    ///
    /// Every value gets its own column (no dropped reference level), so that a file declaring
    /// the values in another order encodes the same names; `Classifier.align` matches them by name.
    ///
    /// CSR features with an attribute to expand are densified first (within the memory budget).
    /// - Parameters:
    ///   - limit: the largest number of values that is expanded.
    ///   - required: attribute names that must be used: dropping one of them throws.
    ///   - maxElements: the largest `rows x columns` of the expanded feature matrix.
    /// - Throws: `LogitsError.invalidValue` for a required attribute over the limit, a code that
    ///   is not a declared position; `.outOfMemory`-like `invalidValue` when the expanded matrix
    ///   exceeds `maxElements`.
    public func encodingNominalFeatures(limit: Int = NominalEncoding.defaultLimit, required: Set<String> = [],
                                        maxElements: Int = 1_500_000_000) throws -> Dataset {
        var out = self
        out.nominalFeatures = []
        var plans: [Int: (plan: NominalEncoding.Plan, cardinality: Int)] = [:]
        for f in nominalFeatures where !f.isBinaryDigit {
            let plan = required.contains(f.name)
                ? try NominalEncoding.requiredPlan(attribute: f.name, values: f.values, limit: limit)
                : NominalEncoding.plan(attribute: f.name, values: f.values, limit: limit)
            if case .drop(let warning) = plan { out.warnings.append(warning) }
            plans[f.column] = (plan, f.values.count)
        }
        if plans.isEmpty { return out }
        // CSR features (a sparse ARFF file): the codes are expanded from a dense copy; `stored(as:)`
        // turns the result back into CSR when it is still sparse enough.
        if isSparse {
            var dense = try densified()
            dense.nominalFeatures = nominalFeatures
            return try dense.encodingNominalFeatures(limit: limit, required: required, maxElements: maxElements)
        }
        var names: [String] = []
        for c in 0..<featureCount {
            if let p = plans[c] { names += p.plan.columnNames } else { names.append(featureNames[c]) }
        }
        guard count == 0 || names.count <= maxElements / count else {
            throw LogitsError.invalidValue("one-hot encoding the nominal attributes gives \(count) x \(names.count) features, more than the limit of \(maxElements) elements")
        }
        var x = Matrix(rows: count, cols: names.count)
        var k = 0
        for c in 0..<featureCount {
            guard let p = plans[c] else {
                for r in 0..<count { x[r, k] = features[r, c] }
                k += 1
                continue
            }
            let block = try NominalEncoding.expand(codes: (0..<count).map { features[$0, c] }, cardinality: p.cardinality, plan: p.plan)
            for r in 0..<count {
                for j in 0..<block.cols { x[r, k + j] = block[r, j] }
            }
            k += block.cols
        }
        out.features = x
        out.featureNames = names
        return out
    }
}

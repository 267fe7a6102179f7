import Foundation

/// What a training set looks like before any model sees it: empty and rare labels, constant
/// features, label cardinality and density, class imbalance, feature kinds.
///
/// `Codable` with JSON-friendly fields (no infinities: undefined ratios are `nil`), and
/// `lines` renders it as text. Counting is over the `N` rows of the data set given (the
/// training part, when diagnosing before training).
public struct DataDiagnostics: Codable, Sendable, Equatable {
    /// A label / class with too few positive rows.
    public struct Label: Codable, Sendable, Equatable {
        /// Index of the class / target column.
        public var index: Int
        public var name: String
        /// Rows with this label (or of this class).
        public var positives: Int
    }

    /// A constant feature column.
    public struct Feature: Codable, Sendable, Equatable {
        public var index: Int
        public var name: String
        /// Its single value.
        public var value: Float
    }

    /// Labels with fewer positives than this are listed in `rareLabels`.
    public static let rarePositiveLimit = 3

    /// `"multi-class"`, `"multi-label"` or `"binary"`.
    public var task: String
    /// Rows `N`.
    public var rows: Int
    /// Feature columns `D`.
    public var features: Int
    /// Classes `C` or labels `L`.
    public var outputs: Int
    /// Positive rows per label / class (`outputs` counts).
    public var positives: [Int]
    /// Labels / classes with no positive row.
    public var labelsWithoutPositives: [Label]
    /// Labels / classes with `1 ..< rarePositiveLimit` positive rows (those with none are in
    /// `labelsWithoutPositives` only).
    public var rareLabels: [Label]
    /// Constant feature columns, ascending.
    public var constantFeatures: [Feature]
    /// Label cardinality: mean positives per row, `sum(positives) / N` (1 for multi-class).
    public var labelCardinality: Double
    /// Label density: `labelCardinality / outputs`.
    public var labelDensity: Double
    /// Smallest and largest positive rate `positives[i] / N` over the labels / classes.
    public var minPositiveRate: Double
    public var maxPositiveRate: Double
    /// Imbalance: the largest positive count over the smallest non-zero one
    /// (`max_i positives_i / min_{i: positives_i > 0} positives_i`); for multi-class data the
    /// max/min class-count ratio. `nil` when no label has a positive.
    public var imbalanceRatio: Double?
    /// Columns per `FeatureKind` (raw value -> count, all four kinds present).
    public var featureKinds: [String: Int]
    /// Fraction of the `D` columns that are binary {0, 1} and not constant.
    public var binaryFeatureFraction: Double

    /// Diagnoses `dataset` (one pass over the features, one over the targets).
    public init(_ dataset: Dataset) {
        let n = dataset.count
        let outputs = dataset.labelNames.count
        switch dataset.task {
        case .multiClass: task = "multi-class"
        case .multiLabel: task = "multi-label"
        case .binary: task = "binary"
        }
        rows = n
        features = dataset.featureCount
        self.outputs = outputs
        let positives = dataset.labelCounts
        self.positives = positives
        func label(_ i: Int) -> Label { Label(index: i, name: dataset.labelNames[i], positives: positives[i]) }
        labelsWithoutPositives = positives.indices.filter { positives[$0] == 0 }.map(label)
        rareLabels = positives.indices.filter { positives[$0] > 0 && positives[$0] < Self.rarePositiveLimit }.map(label)
        let kinds = dataset.sparseFeatures.map { FeatureKind.classify($0) } ?? FeatureKind.classify(dataset.features)
        constantFeatures = kinds.indices.filter { kinds[$0] == .constant }.map { c in
            let first = dataset.sparseFeatures.map { s in n > 0 ? s[0, c] : 0 } ?? (n > 0 ? dataset.features[0, c] : 0)
            return Feature(index: c, name: dataset.featureNames[c], value: first)
        }
        let total = positives.reduce(0, +)
        labelCardinality = n == 0 ? 0 : Double(total) / Double(n)
        labelDensity = outputs == 0 ? 0 : labelCardinality / Double(outputs)
        minPositiveRate = n == 0 ? 0 : Double(positives.min() ?? 0) / Double(n)
        maxPositiveRate = n == 0 ? 0 : Double(positives.max() ?? 0) / Double(n)
        if let smallest = positives.filter({ $0 > 0 }).min(), let largest = positives.max() {
            imbalanceRatio = Double(largest) / Double(smallest)
        } else {
            imbalanceRatio = nil
        }
        var kindCounts = Dictionary(uniqueKeysWithValues: FeatureKind.allCases.map { ($0.rawValue, 0) })
        for k in kinds { kindCounts[k.rawValue, default: 0] += 1 }
        featureKinds = kindCounts
        binaryFeatureFraction = kinds.isEmpty ? 0 : Double(kindCounts[FeatureKind.binary.rawValue] ?? 0) / Double(kinds.count)
    }

    /// True when something deserves a warning: a label without positives, a rare label, or a
    /// constant feature.
    public var hasWarnings: Bool {
        !labelsWithoutPositives.isEmpty || !rareLabels.isEmpty || !constantFeatures.isEmpty
    }

    /// Human-readable lines, e.g.
    /// `"labels: 45, cardinality 2.31, density 0.051; positive rate 0.000 - 0.420"`.
    /// Lists are cut after `maxNames` names ("... N more").
    public func lines(maxNames: Int = 10) -> [String] {
        func names(_ items: [String]) -> String {
            let shown = items.prefix(maxNames).joined(separator: ", ")
            guard items.count > maxNames else { return shown }
            return (shown.isEmpty ? "" : shown + ", ") + "... \(items.count - maxNames) more"
        }
        func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        let what = task == "multi-class" ? "classes" : "labels"
        var out = ["data: \(rows) rows, \(features) features, \(outputs) \(what) (\(task))"]
        if task == "multi-class" {
            out.append("classes: smallest \(positives.min() ?? 0), largest \(positives.max() ?? 0) rows"
                       + (imbalanceRatio.map { "; imbalance (max/min) \(fmt($0, 2))" } ?? ""))
        } else {
            out.append("labels: cardinality \(fmt(labelCardinality)), density \(fmt(labelDensity)); positive rate \(fmt(minPositiveRate)) - \(fmt(maxPositiveRate))"
                       + (imbalanceRatio.map { "; imbalance (max/min positives) \(fmt($0, 1))" } ?? ""))
        }
        if !labelsWithoutPositives.isEmpty {
            out.append("warning: \(labelsWithoutPositives.count) \(what) without any positive row: \(names(labelsWithoutPositives.map(\.name)))")
        }
        if !rareLabels.isEmpty {
            out.append("warning: \(rareLabels.count) \(what) with fewer than \(Self.rarePositiveLimit) positive rows: "
                       + names(rareLabels.map { "\($0.name) (\($0.positives))" }))
        }
        let kindText = FeatureKind.allCases.map { "\(featureKinds[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        out.append("features: \(kindText); binary fraction \(fmt(binaryFeatureFraction))")
        if !constantFeatures.isEmpty {
            out.append("warning: \(constantFeatures.count) constant features: \(names(constantFeatures.map(\.name)))")
        }
        return out
    }
}

extension Dataset {
    /// The diagnostics of this data set (see `DataDiagnostics`).
    public var diagnostics: DataDiagnostics { DataDiagnostics(self) }
}

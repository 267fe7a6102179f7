/// A labelled data set held in memory: an `N x D` feature matrix and row-aligned targets.
///
/// - `features`: `N x D`, row `i` is sample `i`.
/// - `targets`: `.classIndices` (`N` indices in `0..<C`) for multi-class data, or `.matrix`
///   (`N x L`, entries 0 or 1) for multi-label (and binary, `L = 1`) data.
/// - `featureNames`: `D` names; `labelNames`: the `C` class names or `L` label names, in the
///   order of the class indices / target columns.
/// - `task`: `.multiClass(classes: C)`, `.multiLabel(labels: L)` or `.binary`.
///
/// Every loader returns a fully validated `Dataset` or throws `DataFileError`.
public struct Dataset: Sendable, Equatable {
    /// `N x D` features, row `i` = sample `i`.
    public var features: Matrix
    /// `N` class indices, or an `N x L` 0/1 label matrix.
    public var targets: Targets
    /// `D` feature names (attribute / column names, `r{row}c{col}` for images).
    public var featureNames: [String]
    /// `C` class names or `L` label names, in class-index / target-column order.
    public var labelNames: [String]
    /// The task the targets imply (or the one forced by `LoadOptions.task`).
    public var task: ClassificationTask

    /// Number of samples `N`.
    public var count: Int { features.rows }
    /// Number of features `D`.
    public var featureCount: Int { features.cols }

    /// Builds a data set, checking that the parts agree.
    /// - Throws: `LogitsError.shapeMismatch` when row counts, name counts or the task's output
    ///   count disagree; `LogitsError.invalidValue` for a class index outside `0..<C` or a
    ///   multi-label target that is not 0 or 1.
    public init(features: Matrix, targets: Targets, featureNames: [String]? = nil,
                labelNames: [String]? = nil, task: ClassificationTask? = nil) throws {
        guard targets.count == features.rows else {
            throw LogitsError.shapeMismatch("features have \(features.rows) rows but targets have \(targets.count)")
        }
        let outputs: Int
        switch targets {
        case .classIndices(let y):
            let classes = labelNames?.count ?? ((y.max() ?? -1) + 1)
            if let bad = y.firstIndex(where: { $0 < 0 || $0 >= classes }) {
                throw LogitsError.invalidValue("class index \(y[bad]) at row \(bad) is outside 0..<\(classes)")
            }
            outputs = classes
        case .matrix(let m):
            if let bad = m.storage.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw LogitsError.invalidValue("label matrix entry \(m.storage[bad]) at row \(bad / max(m.cols, 1)) is not 0 or 1")
            }
            outputs = m.cols
        }
        let names = labelNames ?? (0..<outputs).map(String.init)
        guard names.count == outputs else {
            throw LogitsError.shapeMismatch("\(names.count) label names for \(outputs) classes/labels")
        }
        let featureNames = featureNames ?? (0..<features.cols).map { "f\($0)" }
        guard featureNames.count == features.cols else {
            throw LogitsError.shapeMismatch("\(featureNames.count) feature names for \(features.cols) features")
        }
        let implied: ClassificationTask
        switch targets {
        case .classIndices: implied = .multiClass(classes: outputs)
        case .matrix: implied = .multiLabel(labels: outputs)
        }
        let chosen = task ?? implied
        switch (chosen, targets) {
        case (.multiClass(let c), .classIndices) where c == outputs: break
        case (.multiLabel(let l), .matrix) where l == outputs: break
        case (.binary, .matrix) where outputs == 1: break
        default:
            throw LogitsError.shapeMismatch("task \(chosen) does not fit targets with \(outputs) classes/labels")
        }
        self.init(unchecked: features, targets: targets, featureNames: featureNames, labelNames: names, task: chosen)
    }

    /// Loader-internal initializer: the loader has already validated every part.
    init(unchecked features: Matrix, targets: Targets, featureNames: [String], labelNames: [String], task: ClassificationTask) {
        self.features = features
        self.targets = targets
        self.featureNames = featureNames
        self.labelNames = labelNames
        self.task = task
    }

    /// The samples at `rows` (in that order; repeats allowed), with the same names and task.
    /// `rows` must lie in `0..<count` (indices come from code, e.g. a split).
    public func subset(rows indices: [Int]) -> Dataset {
        Dataset(unchecked: features.gatherRows(indices), targets: targets.gatherRows(indices),
                featureNames: featureNames, labelNames: labelNames, task: task)
    }

    /// Builds a matrix whose storage size is correct by construction.
    static func matrix(rows: Int, cols: Int, _ storage: [Float]) -> Matrix {
        var m = Matrix(rows: 0, cols: cols)
        m.storage = storage
        m.resize(rows: rows, cols: cols)  // storage.count == rows * cols already: no change
        return m
    }

    /// Label cardinality: mean number of positive labels per sample (1 for multi-class data).
    public var labelCardinality: Double {
        switch targets {
        case .classIndices: return count == 0 ? 0 : 1
        case .matrix(let m):
            guard m.rows > 0 else { return 0 }
            return Double(m.storage.reduce(0, +)) / Double(m.rows)
        }
    }

    /// Per-class (multi-class) or per-label (multi-label) counts of positive samples.
    public var labelCounts: [Int] {
        switch targets {
        case .classIndices(let y):
            var counts = [Int](repeating: 0, count: labelNames.count)
            for c in y { counts[c] += 1 }
            return counts
        case .matrix(let m):
            var counts = [Int](repeating: 0, count: m.cols)
            for r in 0..<m.rows { for c in 0..<m.cols where m.storage[r * m.cols + c] != 0 { counts[c] += 1 } }
            return counts
        }
    }
}

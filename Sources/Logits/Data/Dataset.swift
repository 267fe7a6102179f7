/// A labelled data set held in memory: an `N x D` feature matrix and row-aligned targets.
///
/// - `features`: `N x D`, row `i` is sample `i`.
/// - `targets`: `.classIndices` (`N` indices in `0..<C`) for multi-class data, or `.matrix`
///   (`N x L`, entries 0 or 1) for multi-label (and binary, `L = 1`) data.
/// - `featureNames`: `D` names; `labelNames`: the `C` class names or `L` label names, in the
///   order of the class indices / target columns.
/// - `task`: `.multiClass(classes: C)`, `.multiLabel(labels: L)` or `.binary`.
/// - `labelMask`: for a label matrix with missing labels (ARFF `?` in a label column), an `N x L`
///   0/1 matrix, 1 = observed, 0 = missing; the missing entries of `targets` hold 0. `nil` when
///   every label is observed (always for class indices). Pass it to the losses
///   (`LossFunction.evaluate(input:targets:mask:...)`) and metrics that skip missing labels.
///
/// - `sparseFeatures`: for a sparse data set (see docs/data.md: LIBSVM and sparse ARFF files
///   below the density threshold, or `LoadOptions.storage = .sparse`), the `N x D` features in
///   CSR form; `features` is then an empty `0 x D` placeholder and never an `N x D` array. Code
///   that handles both uses `featureMatrix`; code that needs dense rows calls `denseFeatures()`,
///   which checks the memory budget first.
///
/// Every loader returns a fully validated `Dataset` or throws `DataFileError`.
public struct Dataset: Sendable, Equatable {
    /// `N x D` features, row `i` = sample `i`; for a sparse data set an empty `0 x D` placeholder
    /// (the rows are in `sparseFeatures`).
    public var features: Matrix
    /// The `N x D` features in CSR form when the data set is sparse, else `nil`.
    public var sparseFeatures: SparseMatrix?
    /// `N` class indices, or an `N x L` 0/1 label matrix.
    public var targets: Targets
    /// `D` feature names (attribute / column names, `r{row}c{col}` for images).
    public var featureNames: [String]
    /// `C` class names or `L` label names, in class-index / target-column order.
    public var labelNames: [String]
    /// The task the targets imply (or the one forced by `LoadOptions.task`).
    public var task: ClassificationTask
    /// `N x L` observed (1) / missing (0) labels of a label matrix, or `nil` when none is missing.
    /// Kept separate from `targets` so that every consumer of `Targets` is unchanged; a row gather
    /// (`subset`) carries it along.
    public var labelMask: Matrix?
    /// Nominal feature columns as a loader recorded them (coded by position), before
    /// `encodingNominalFeatures` expands them; empty afterwards and for non-ARFF data.
    public var nominalFeatures: [NominalFeature] = []
    /// Things the loading steps want the user told (e.g. a dropped nominal attribute), one line each.
    public var warnings: [String] = []

    /// Number of samples `N`.
    public var count: Int { sparseFeatures?.rows ?? features.rows }
    /// Number of features `D`.
    public var featureCount: Int { sparseFeatures?.cols ?? features.cols }
    /// Whether the features are held in CSR form (`sparseFeatures`).
    public var isSparse: Bool { sparseFeatures != nil }

    /// The features, dense or sparse, as one value (what `Trainer` and `Classifier` take).
    /// Setting it replaces `features` / `sparseFeatures` accordingly.
    public var featureMatrix: FeatureMatrix {
        get { sparseFeatures.map { .sparse($0) } ?? .dense(features) }
        set {
            switch newValue {
            case .dense(let m):
                features = m
                sparseFeatures = nil
            case .sparse(let s):
                features = Matrix(rows: 0, cols: s.cols)
                sparseFeatures = s
            }
        }
    }

    /// The `N x D` dense features: `features` itself, or a dense copy of `sparseFeatures`.
    /// - Throws: `MemoryBudgetError` when the dense copy would not fit the memory budget.
    public func denseFeatures() throws -> Matrix {
        guard let sparseFeatures else { return features }
        return try sparseFeatures.toDense()
    }

    /// This data set with dense features (unchanged when it is dense).
    /// - Throws: `MemoryBudgetError` when the dense copy would not fit the memory budget.
    public func densified() throws -> Dataset {
        guard isSparse else { return self }
        var out = self
        out.featureMatrix = .dense(try denseFeatures())
        return out
    }

    /// This data set with CSR features (unchanged when it is sparse).
    public func sparsified() throws -> Dataset {
        guard !isSparse else { return self }
        var out = self
        out.featureMatrix = .sparse(try SparseMatrix(dense: features))
        return out
    }

    /// A data set over CSR features: as `init(features:...)`, with the rows in `sparseFeatures`.
    /// - Throws: as `init(features:...)`.
    public init(sparseFeatures: SparseMatrix, targets: Targets, featureNames: [String]? = nil,
                labelNames: [String]? = nil, task: ClassificationTask? = nil, labelMask: Matrix? = nil) throws {
        try self.init(features: Matrix(rows: 0, cols: sparseFeatures.cols), rows: sparseFeatures.rows, targets: targets,
                      featureNames: featureNames, labelNames: labelNames, task: task, labelMask: labelMask)
        self.sparseFeatures = sparseFeatures
    }

    /// Builds a data set, checking that the parts agree.
    /// - Throws: `LogitsError.shapeMismatch` when row counts, name counts, the task's output
    ///   count or the mask's shape disagree; `LogitsError.invalidValue` for a class index outside
    ///   `0..<C`, a multi-label target or mask entry that is not 0 or 1, or a mask with class indices.
    public init(features: Matrix, targets: Targets, featureNames: [String]? = nil,
                labelNames: [String]? = nil, task: ClassificationTask? = nil, labelMask: Matrix? = nil) throws {
        try self.init(features: features, rows: features.rows, targets: targets, featureNames: featureNames,
                      labelNames: labelNames, task: task, labelMask: labelMask)
    }

    /// The checks of the public initializers, for `rows` samples (`features` may be a placeholder).
    private init(features: Matrix, rows: Int, targets: Targets, featureNames: [String]?,
                 labelNames: [String]?, task: ClassificationTask?, labelMask: Matrix?) throws {
        if let labelMask {
            guard case .matrix(let m) = targets else {
                throw LogitsError.invalidValue("a label mask needs a label matrix, not class indices")
            }
            guard labelMask.rows == m.rows, labelMask.cols == m.cols else {
                throw LogitsError.shapeMismatch("label mask is \(labelMask.rows)x\(labelMask.cols), expected \(m.rows)x\(m.cols) like the labels")
            }
            if let bad = labelMask.storage.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw LogitsError.invalidValue("label mask entry \(labelMask.storage[bad]) at row \(bad / max(m.cols, 1)) is not 0 or 1")
            }
        }
        guard targets.count == rows else {
            throw LogitsError.shapeMismatch("features have \(rows) rows but targets have \(targets.count)")
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
        self.init(unchecked: features, targets: targets, featureNames: featureNames, labelNames: names, task: chosen,
                  labelMask: labelMask)
    }

    /// Loader-internal initializer: the loader has already validated every part.
    init(unchecked features: Matrix, targets: Targets, featureNames: [String], labelNames: [String], task: ClassificationTask,
         labelMask: Matrix? = nil) {
        self.features = features
        self.sparseFeatures = nil
        self.targets = targets
        self.featureNames = featureNames
        self.labelNames = labelNames
        self.task = task
        self.labelMask = labelMask
    }

    /// Splits a loader's label buffer in which missing labels are NaN into the `rows x cols` label
    /// matrix (missing entries 0) and its mask (`nil` when nothing is missing).
    static func labelsAndMask(rows: Int, cols: Int, _ y: [Float]) -> (labels: Matrix, mask: Matrix?) {
        guard y.contains(where: { $0.isNaN }) else { return (matrix(rows: rows, cols: cols, y), nil) }
        var labels = y, mask = [Float](repeating: 1, count: y.count)
        for k in 0..<y.count where y[k].isNaN {
            labels[k] = 0
            mask[k] = 0
        }
        return (matrix(rows: rows, cols: cols, labels), matrix(rows: rows, cols: cols, mask))
    }

    /// The samples at `rows` (in that order; repeats allowed), with the same names and task.
    /// `rows` must lie in `0..<count` (indices come from code, e.g. a split).
    public func subset(rows indices: [Int]) -> Dataset {
        var out = Dataset(unchecked: isSparse ? features : features.gatherRows(indices), targets: targets.gatherRows(indices),
                          featureNames: featureNames, labelNames: labelNames, task: task,
                          labelMask: labelMask.map { $0.gatherRows(indices) })
        out.sparseFeatures = sparseFeatures?.gatherRows(indices)
        return out
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

/// Which columns / attributes of a file are the targets.
public enum LabelSpec: Sendable, Equatable {
    /// Format default. ARFF: the Mulan XML label file next to the data (`NAME.xml` for
    /// `NAME.arff`, `NAME-train.arff`, `NAME-test.arff`), else a trailing nominal attribute named
    /// `class` (multi-class). LIBSVM: the labels in the file. CSV: a column named `label`,
    /// `labels`, `class` or `target`. IDX: the matching labels file.
    case automatic
    /// The last `count` attributes / columns are 0/1 labels (Mulan's `-c` convention).
    case trailing(Int)
    /// The attributes / columns with these names are the labels (kept in file order).
    case names([String])
    /// Mulan XML label file at this path (label names read from it; order from the data file).
    case xml(String)
    /// One CSV column holds the target: a class name (`separator: nil`, multi-class) or a label
    /// set such as `electronics|laptop` (`separator: "|"`, multi-label).
    case column(String, separator: Character?)
    /// Every attribute / column whose name starts with this prefix is a 0/1 label.
    case prefix(String)
}

/// How a loaded data set holds its features (see docs/data.md, "Sparse data").
public enum FeatureStorage: String, Sendable, Equatable, CaseIterable {
    /// CSR when the features are sparse enough to pay: density `<= LoadOptions.sparseDensityThreshold`
    /// and at least `LoadOptions.sparseMinimumElements` cells (`N x D`); dense otherwise.
    case automatic
    /// Always dense `N x D` (`--dense`).
    case dense
    /// Always CSR (`--sparse`); LIBSVM and sparse ARFF files never build an `N x D` array then.
    case sparse
}

/// Options shared by the loaders.
public struct LoadOptions: Sendable, Equatable {
    /// Dense or CSR features (default `.automatic`).
    public var storage: FeatureStorage = .automatic
    /// `.automatic` storage: the largest fraction of non-zero features that is stored as CSR.
    /// 0.1 by default: measured on bibtex (density 0.037), the sparse first layer makes an epoch
    /// several times faster; past roughly 10 % the dense GEMM wins.
    public var sparseDensityThreshold: Double = 0.1
    /// `.automatic` storage: data smaller than this many cells (`N x D`) stays dense (tiny
    /// files gain nothing from CSR).
    public var sparseMinimumElements: Int = 100_000
    /// How to find the targets (see `LabelSpec`).
    public var labels: LabelSpec
    /// Accept `nan` / `inf` feature values (default: rejected with an error naming file and line).
    public var allowNonFinite: Bool
    /// Upper limit on `N * (D + L)` dense `Float` elements a load may allocate; past it the
    /// load fails with an error instead of exhausting memory. Default 1.5e9 (6 GB).
    public var maxDenseElements: Int
    /// Force the task: e.g. `.multiClass` for a LIBSVM file with one label per line, `.binary`
    /// for a single 0/1 label. `nil`: inferred from the labels.
    public var task: ClassificationTask?
    /// Class names to use instead of the defaults (IDX: `"0"..."9"`), e.g. Fashion-MNIST's.
    public var classNames: [String]?
    /// LIBSVM: number of features `D` (default: the header line if any, else the largest index).
    public var featureCount: Int?
    /// LIBSVM: number of labels `L` (default: the header line if any, else the largest label + 1).
    public var labelCount: Int?
    /// LIBSVM: the index of the first feature (1 as in LIBSVM/SVMlight, 0 as in some XC files).
    public var featureIndexBase: Int
    /// LIBSVM, with `featureIndexBase == 1`: read the file zero-based when index 0 appears in it
    /// (scikit-learn's `zero_based="auto"`). A zero-based file without a 0 reads one-based; the
    /// feature names are the file's indices either way, so columns still match by name.
    public var detectsFeatureIndexBase = false
    /// CSV: the field delimiter; `nil` detects comma, tab or semicolon.
    public var delimiter: Character?
    /// CSV: whether the first row is a header. `nil` (default): a header is required, and a
    /// first row of numbers is an error rather than silently taken as names; `false`: no header,
    /// the columns are named `1`, `2`, ... (1-based positions).
    public var hasHeader: Bool?

    /// ARFF: nominal feature attributes with more values than this are dropped with a warning
    /// (identifier-like); those with `2 ... oneHotLimit` values are one-hot encoded (`{0,1}` stays
    /// one column). See `Dataset.encodingNominalFeatures`.
    public var oneHotLimit: Int = NominalEncoding.defaultLimit
    /// ARFF: nominal attributes that must be used: one over `oneHotLimit` (or with one value) is
    /// an error naming it instead of a warning.
    public var requiredNominal: Set<String> = []
    /// Whether features with `nonZeros` of `rows x cols` cells are stored as CSR under these options.
    public func prefersSparse(rows: Int, cols: Int, nonZeros: Int) -> Bool {
        switch storage {
        case .dense: return false
        case .sparse: return true
        case .automatic:
            let cells = Double(rows) * Double(cols)
            return cells >= Double(sparseMinimumElements) && Double(nonZeros) <= sparseDensityThreshold * cells
        }
    }

    /// Largest decompressed size accepted for a gzipped text file: 64 bytes per allowed element,
    /// and at most the memory budget.
    var maxTextBytes: Int {
        min(MemoryBudget.product(maxDenseElements, 64) ?? Int.max, MemoryBudget.limit)
    }

    public init(labels: LabelSpec = .automatic, allowNonFinite: Bool = false,
                maxDenseElements: Int = 1_500_000_000, task: ClassificationTask? = nil,
                classNames: [String]? = nil, featureCount: Int? = nil, labelCount: Int? = nil,
                featureIndexBase: Int = 1, delimiter: Character? = nil, hasHeader: Bool? = nil) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.labels = labels
        self.allowNonFinite = allowNonFinite
        self.maxDenseElements = maxDenseElements
        self.task = task
        self.classNames = classNames
        self.featureCount = featureCount
        self.labelCount = labelCount
        self.featureIndexBase = featureIndexBase
    }
}

/// The file formats `Dataset.load` reads.
public enum DataFormat: String, Sendable, CaseIterable {
    /// Weka / Mulan ARFF, dense or sparse rows.
    case arff
    /// LIBSVM / SVMlight multi-label text: `2,7,11 1:0.5 9:1.0`.
    case libsvm
    /// CSV with a header row.
    case csv
    /// IDX (MNIST family), optionally gzipped; load the images file, labels are found beside it.
    case idx
    /// Pick by file name: `.arff`; `.svm`, `.libsvm`, `.txt`; `.csv`; `*-idx*-ubyte[.gz]`.
    case auto

    /// The format a file name implies, or `nil`.
    public static func detect(fileName: String) -> DataFormat? {
        let name = fileName.lowercased()
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        if base.hasSuffix(".arff") { return .arff }
        if base.hasSuffix(".csv") { return .csv }
        if base.hasSuffix(".svm") || base.hasSuffix(".libsvm") || base.hasSuffix(".txt") { return .libsvm }
        if base.contains("idx") && base.hasSuffix("ubyte") { return .idx }
        return nil
    }
}

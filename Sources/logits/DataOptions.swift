import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

/// `--format`: how to read a data file.
enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, arff, libsvm, csv, idx

    var dataFormat: DataFormat {
        switch self {
        case .auto: return .auto
        case .arff: return .arff
        case .libsvm: return .libsvm
        case .csv: return .csv
        case .idx: return .idx
        }
    }
}

/// `--task`: force multi-class or multi-label, or infer it from the labels.
enum TaskChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, multiclass, multilabel
}

/// `--index-base`: the first feature index of a LIBSVM file.
enum IndexBaseChoice: String, ExpressibleByArgument, CaseIterable {
    case auto
    case zero = "0"
    case one = "1"
}

/// The options shared by every command that reads a labelled data file.
struct DataOptions: ParsableArguments {
    @Option(help: "Data format: auto (from the file name), arff, libsvm, csv or idx.")
    var format: FormatChoice = .auto

    @Option(help: ArgumentHelp(
        """
        Which attributes/columns are the targets: a count N (the last N attributes, Mulan's convention), \
        comma-separated names, prefix:STR (every column whose name starts with STR), \
        column:NAME (one CSV column holding a class name), set:NAME[:SEP] (one CSV column holding a \
        label set such as a|b|c; SEP defaults to |) or xml:FILE (a Mulan XML label file). Default: the format's \
        (Mulan XML next to an ARFF file, a CSV column named label/labels/class/target, ...).
        """,
        valueName: "spec"))
    var labels: String?

    @Option(help: "Task: auto (multi-class for one class attribute, multi-label for 0/1 label columns), multiclass or multilabel.")
    var task: TaskChoice = .auto

    @Flag(help: "Hold the features as CSR (sparse) whatever their density; LIBSVM and sparse ARFF files then never build an N x D array.")
    var sparse = false

    @Flag(help: "Hold the features dense even when the file is sparse (default: CSR when at most 10 % of the values are non-zero).")
    var dense = false

    @Option(help: "ARFF: nominal feature attributes with 2 to N values are one-hot encoded as NAME=VALUE columns ({0,1} stays one column); those with more are dropped with a warning. Use the same value for train and predict.")
    var oneHotLimit: Int = NominalEncoding.defaultLimit

    @Option(help: ArgumentHelp("ARFF: nominal attributes that must be used (comma-separated names): one over --one-hot-limit is an error instead of a warning.", valueName: "names"))
    var keepNominal: String?

    @Option(help: ArgumentHelp("LIBSVM: the first feature index: 1 (LIBSVM), 0 (scikit-learn's dump_svmlight_file default) or auto (0 when index 0 appears in the file, else 1; a file read for a model, or a test file, takes the base of the model's or training file's numbered columns).", valueName: "auto|0|1"))
    var indexBase: IndexBaseChoice = .auto

    /// `loadOptions()`, with `--index-base auto` resolved from `featureNames` when they are a
    /// LIBSVM file's numbered columns (`"0", "1", ...` or `"1", "2", ...`): a model's, or the training
    /// file's for its test file, so that both read the same way.
    func loadOptions(matching featureNames: [String]?) throws -> LoadOptions {
        var options = try loadOptions()
        if indexBase == .auto, let names = featureNames, let first = names.first.flatMap({ Int($0) }), first == 0 || first == 1,
           names.enumerated().allSatisfy({ Int($0.element) == first + $0.offset }) {
            options.detectsFeatureIndexBase = false
            options.featureIndexBase = first
        }
        return options
    }

    func loadOptions() throws -> LoadOptions {
        var options = LoadOptions()
        switch indexBase {
        case .auto: options.detectsFeatureIndexBase = true
        case .zero: options.featureIndexBase = 0
        case .one: options.featureIndexBase = 1
        }
        if let labels {
            let trimmed = labels.trimmingCharacters(in: .whitespaces)
            if let spec = try Self.prefixedLabelSpec(trimmed) {
                options.labels = spec
            } else if let n = Int(trimmed) {
                guard n > 0 else { throw ValidationError("--labels count must be positive, got \(n)") }
                options.labels = .trailing(n)
            } else {
                let names = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !names.isEmpty else { throw ValidationError("--labels needs a count or comma-separated names") }
                options.labels = .names(names)
            }
        }
        if sparse && dense { throw ValidationError("--sparse and --dense exclude each other") }
        if sparse { options.storage = .sparse }
        if dense { options.storage = .dense }
        guard oneHotLimit >= 2 else { throw ValidationError("--one-hot-limit must be at least 2, got \(oneHotLimit)") }
        options.oneHotLimit = oneHotLimit
        options.requiredNominal = Set((keepNominal ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        switch task {
        case .auto: break
        case .multiclass: options.task = .multiClass(classes: 0)
        case .multilabel: options.task = .multiLabel(labels: 0)
        }
        return options
    }

    /// `prefix:STR`, `column:NAME`, `set:NAME[:SEP]`, `xml:FILE`, or nil for the other forms (a count,
    /// or names, which may themselves contain colons).
    static func prefixedLabelSpec(_ text: String) throws -> LabelSpec? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        func nonEmpty(_ value: String, _ what: String) throws -> String {
            guard !value.isEmpty else { throw ValidationError("--labels \(kind): needs \(what), e.g. --labels \(kind):tags") }
            return value
        }
        switch kind {
        case "prefix": return .prefix(try nonEmpty(rest, "a name prefix"))
        case "column": return .column(try nonEmpty(rest, "a column name"), separator: nil)
        case "xml": return .xml(try nonEmpty(rest, "a file path"))
        case "set":
            // The separator is the last character after a second colon (`set:tags:;`), else `|`.
            if let sep = rest.lastIndex(of: ":"), rest.index(after: sep) < rest.endIndex,
               rest.distance(from: rest.index(after: sep), to: rest.endIndex) == 1 {
                let name = String(rest[..<sep])
                return .column(try nonEmpty(name, "a column name"), separator: rest[rest.index(after: sep)])
            }
            return .column(try nonEmpty(rest, "a column name"), separator: "|")
        default:
            return nil  // a plain name that contains a colon
        }
    }

    /// Loads `path`, with a clear error for a missing file; `featureNames` (a model's or the
    /// training file's) fix `--index-base auto` as in `loadOptions(matching:)`.
    func load(_ path: String, matching featureNames: [String]? = nil) throws -> Dataset {
        try Self.checkReadable(path, what: "data file")
        let data = try Dataset.load(from: path, format: format.dataFormat, options: loadOptions(matching: featureNames))
        for line in data.warnings { FileHandle.standardError.write(Data("warning: \(path): \(line)\n".utf8)) }
        return data
    }

    static func checkReadable(_ path: String, what: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UserError("\(what) '\(path)' does not exist")
        }
        guard !isDirectory.boolValue else { throw UserError("\(what) '\(path)' is a directory, expected a file") }
    }
}

/// The bundled default data set: yeast (Elisseeff & Weston 2001, via MULAN), shipped as a SwiftPM
/// resource of the `logits` executable.
enum BundledYeast {
    static let labelCount = 14

    /// The folder holding `yeast-train.arff`, `yeast-test.arff` and `yeast.xml`.
    ///
    /// Looked up next to the executable (where SwiftPM puts the resource bundle) without touching
    /// `Bundle.module`, whose accessor traps when the bundle is missing (e.g. a binary copied
    /// elsewhere); a missing bundle gives a clear error instead.
    static func directory() throws -> URL {
        let fm = FileManager.default
        var roots = [Bundle.main.bundleURL]
        if let exe = Bundle.main.executableURL { roots.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        let names = ["Logits_LogitsCLI.resources", "Logits_LogitsCLI.bundle", "Logits_LogitsCLI.bundle/Contents/Resources"]
        for root in roots {
            for name in names {
                let dir = root.appendingPathComponent(name).appendingPathComponent("yeast")
                if fm.fileExists(atPath: dir.appendingPathComponent("yeast-train.arff").path) { return dir }
            }
        }
        throw UserError("the bundled yeast data set was not found next to the logits executable (looked for Logits_LogitsCLI.resources/yeast in \(roots.map(\.path).joined(separator: ", "))); pass --data FILE")
    }

    static func load() throws -> (train: Dataset, test: Dataset) {
        let dir = try directory()
        let options = LoadOptions(labels: .trailing(labelCount))
        let train = try Dataset.load(from: dir.appendingPathComponent("yeast-train.arff"), format: .arff, options: options)
        let test = try Dataset.load(from: dir.appendingPathComponent("yeast-test.arff"), format: .arff, options: options)
        return (train, test)
    }

    /// Published yeast results (10 labels of the ranking family + Hamming loss), as the project
    /// brief gives them: Zhang & Zhou, BP-MLL (IEEE TKDE 18(10), 2006) and ML-kNN (Pattern
    /// Recognition 40(7), 2007). Coverage is Mulan-style (scikit-learn's `coverage_error` - 1).
    static let published: [(method: String, hamming: Double, rankingLoss: Double, oneError: Double, coverage: Double, averagePrecision: Double)] = [
        ("BP-MLL", 0.206, 0.171, 0.233, 6.309, 0.756),
        ("ML-kNN", 0.194, 0.167, 0.230, 6.275, 0.765),
    ]
    static let publishedSource = "Zhang & Zhou, BP-MLL (IEEE TKDE 18(10):1338-1351, 2006) and ML-kNN (Pattern Recognition 40(7):2038-2048, 2007), yeast; figures as commonly quoted from those papers, not re-checked here; their evaluation protocol may differ from this train/test split"
}

extension BundledYeast {
    private static func rows(_ report: EvaluationReport) -> [(String, Double?, [Double], Bool)] {
        [
            ("hamming_loss", report.value("hamming_loss"), published.map(\.hamming), false),
            ("ranking_loss", report.value("label_ranking_loss"), published.map(\.rankingLoss), false),
            ("one_error", report.value("one_error"), published.map(\.oneError), false),
            ("coverage (Mulan)", report.value("coverage (Mulan: coverage_error - 1)"), published.map(\.coverage), false),
            ("average_precision", report.value("label_ranking_average_precision"), published.map(\.averagePrecision), true),
        ]
    }

    /// The yeast test metrics beside the published results, as a text table.
    static func comparison(_ report: EvaluationReport) -> String {
        var t = TextTable(["metric", "Logits", "BP-MLL", "ML-kNN", "better is"])
        for (name, ours, theirs, higher) in rows(report) {
            t.add([name, ours.map { fmt($0, 3) } ?? "n/a"] + theirs.map { fmt($0, 3) } + [higher ? "higher" : "lower"])
        }
        return "Yeast test set vs published results (\(publishedSource)):\n" + t.render()
    }

    /// The published results as JSON.
    static func publishedJSON(_ report: EvaluationReport) -> MetricValue {
        var entries = [MetricEntry("source", .string(publishedSource))]
        for (i, method) in published.map(\.method).enumerated() {
            entries.append(MetricEntry(method, .object(rows(report).map { MetricEntry($0.0, .number($0.2[i])) })))
        }
        return .object(entries)
    }
}

import ArgumentParser
import Logits
import LogitsMetrics

/// `logits metrics`: evaluates any model's scores (CSV) against the truth (CSV) and prints every metric.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate scores (logits by default) against the truth: scikit-learn-exact metrics and curves.",
        discussion: """
        Both files are numeric CSV (comma, tab or semicolon; a header row of names is detected and \
        skipped), one row per sample. Truth: one class index per row \
        (multi-class) or a 0/1 row (multi-label). Scores: one column per class/label. The task is inferred \
        when --task is omitted: a single-column truth with multi-column scores is multi-class.
        """
    )

    enum ScoreKind: String, ExpressibleByArgument, CaseIterable {
        case logits, probabilities
    }

    @Option(help: "Truth CSV: a class index per row, or a 0/1 row per sample.")
    var truth: String

    @Option(help: "Scores CSV: one column per class/label.")
    var scores: String

    @Option(help: "auto (inferred), multiclass or multilabel.")
    var task: TaskChoice = .auto

    @Option(name: .customLong("scores-are"), help: "logits (default) or probabilities.")
    var scoreKind: ScoreKind = .logits

    @Option(help: "Multi-label decision threshold: predict a label when score > threshold (default 0 for logits, 0.5 for probabilities).")
    var threshold: Double?

    @Option(name: .customLong("top-k-decisions"), help: "Multi-label: predict the N top-scored labels of each sample instead of thresholding.")
    var topKDecisions: Int?

    @Flag(name: .customLong("at-least-one"), help: "Multi-label: also predict the top-scored label of any sample left with none.")
    var atLeastOne = false

    @Option(help: "k of precision@k / nDCG@k (multi-label, default 3) or of top-k accuracy (multi-class, default 2).")
    var k: Int?

    @Option(name: .customLong("propensity-train"),
            help: "Multi-label: the training labels as a 0/1 CSV (one row per training sample, one column per label); their counts give the propensities of PSP@1/3/5 and PSnDCG@1/3/5 (Jain et al. 2016, A 0.55, B 1.5).")
    var propensityTrain: String?

    @Flag(help: "Print every metric as JSON under scikit-learn-style names.")
    var json = false

    func validate() throws {
        if let k, k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be finite") }
        if let topKDecisions, topKDecisions < 0 { throw ValidationError("--top-k-decisions must be at least 0") }
        if topKDecisions != nil && threshold != nil { throw ValidationError("use either --threshold or --top-k-decisions") }
        if propensityTrain != nil && task == .multiclass { throw ValidationError("--propensity-train is for multi-label scores, not --task multiclass") }
    }

    func run() throws {
        let truthCSV = try NumericTable.read(path: truth)
        let scoresCSV = try NumericTable.read(path: scores)
        guard truthCSV.rows == scoresCSV.rows else {
            throw DataFileError(file: scores, message: "\(scoresCSV.rows) rows, but \(truth) has \(truthCSV.rows) (one row per sample in both)")
        }
        let resolved: TaskChoice = task != .auto ? task : ((truthCSV.cols == 1 && scoresCSV.cols > 1) ? .multiclass : .multilabel)
        let matrix = try ScoreMatrix(rows: scoresCSV.rows, cols: scoresCSV.cols, values: scoresCSV.values)
        let probabilities = scoreKind == .probabilities
        switch resolved {
        case .multiclass, .auto:
            if propensityTrain != nil {
                throw ValidationError("--propensity-train is for multi-label scores; these are multi-class (a class index per truth row)")
            }
            guard scoresCSV.cols >= 2 else {
                throw DataFileError(file: scores, line: scoresCSV.lines.first, message: "\(scoresCSV.cols) column, a multi-class score file needs one per class (at least 2)")
            }
            let labels = try truthCSV.classIndices(classes: scoresCSV.cols)
            let report = try MultiClassReport(truth: labels, logits: probabilities ? nil : matrix,
                                              probabilities: probabilities ? matrix : nil, k: k ?? 2)
            try StandardOutput.write((json ? report.json.prettyJSON : report.text()) + "\n")
        case .multilabel:
            guard truthCSV.cols == scoresCSV.cols else {
                throw DataFileError(file: scores, line: scoresCSV.lines.first,
                                    message: "\(scoresCSV.cols) columns, but \(truth) has \(truthCSV.cols) (one per label in both)")
            }
            let y = try BinaryMatrix(rows: truthCSV.rows, cols: truthCSV.cols, values: truthCSV.binaryValues())
            var rule = topKDecisions.map(DecisionRule.topK) ?? .global(threshold ?? (probabilities ? 0.5 : 0))
            if atLeastOne { rule = .atLeastOne(rule) }
            var propensity: LabelPropensity? = nil
            if let propensityTrain {
                let train = try NumericTable.read(path: propensityTrain)
                guard train.cols == truthCSV.cols else {
                    throw DataFileError(file: propensityTrain, line: train.lines.first,
                                        message: "\(train.cols) columns, but \(truth) has \(truthCSV.cols) (one per label in both)")
                }
                let labels = try BinaryMatrix(rows: train.rows, cols: train.cols, values: train.binaryValues())
                propensity = try LabelPropensity(trainingLabels: labels)
            }
            let report = try MultiLabelReport(truth: y, scores: matrix, rule: rule, k: k ?? 3,
                                              scoresAreProbabilities: probabilities, propensity: propensity)
            try StandardOutput.write((json ? report.json.prettyJSON : report.text()) + "\n")
        }
    }
}

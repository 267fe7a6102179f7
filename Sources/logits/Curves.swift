import ArgumentParser
import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

struct Curves: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write ROC and precision-recall curves (SVG + CSV) per class/label and micro-averaged, and the training curves.",
        discussion: """
        Curves are computed on the logits (no float32 probability saturation). Files in --out: \
        roc.svg, roc.csv, pr.svg, pr.csv and, when the model's NAME.history.json exists, \
        training-loss.svg and history.csv. The SVG plots show the micro average and at most \
        --max-series classes/labels (those with the most positives); the CSV files hold all of them.
        """)

    @Option(help: "Model file written by 'logits train'.")
    var model: String

    @Option(help: "Labelled data file.")
    var data: String

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var resources: ResourceOptions

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Most classes/labels drawn per SVG plot (besides the micro average).")
    var maxSeries: Int = 10

    func validate() throws {
        guard maxSeries >= 0 else { throw ValidationError("--max-series must be >= 0, got \(maxSeries)") }
    }

    func run() throws {
        try resources.apply()
        let classifier = try ModelInput.classifier(model)
        let set = try classifier.align(try dataOptions.load(data, matching: classifier.featureNames), source: data)
        let logits = try classifier.logits(set.featureMatrix)
        let outputs = logits.cols
        let truth = try BinaryMatrix(targets: set.targets, outputs: outputs)
        // Multi-class: one-vs-rest log-odds (monotone in the softmax probability), as `evaluate`.
        let scores = try CurveScores.scores(logits: logits, task: classifier.task)
        let names = classifier.labelNames
        let dir = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw UserError("cannot create output directory '\(out)': \(error.localizedDescription)")
        }

        // Per-output and micro-averaged curves.
        struct Entry { var name: String; var support: Int; var roc: ROCCurve; var pr: PrecisionRecallCurve; var rocPlot: ROCCurve }
        var entries: [Entry] = []
        for j in 0..<outputs {
            let t = (0..<truth.rows).map { truth.values[$0 * outputs + j] != 0 }
            let s = scores.column(j)
            entries.append(Entry(name: names[j], support: t.filter { $0 }.count,
                                 roc: try ROCCurve(truth: t, scores: s), pr: try PrecisionRecallCurve(truth: t, scores: s),
                                 rocPlot: try ROCCurve(truth: t, scores: s, dropIntermediate: true)))
        }
        let flatTruth = truth.values.map { $0 != 0 }
        let micro = Entry(name: "micro-average", support: flatTruth.filter { $0 }.count,
                          roc: try ROCCurve(truth: flatTruth, scores: scores.values),
                          pr: try PrecisionRecallCurve(truth: flatTruth, scores: scores.values),
                          rocPlot: try ROCCurve(truth: flatTruth, scores: scores.values, dropIntermediate: true))

        var roccsv = "series,fpr,tpr,threshold_logit\n", prcsv = "series,recall,precision,threshold_logit\n"
        for e in entries + [micro] {
            for i in e.roc.fpr.indices {
                roccsv += "\(csvField(e.name)),\(e.roc.fpr[i]),\(e.roc.tpr[i]),\(e.roc.thresholds[i])\n"
            }
            for i in e.pr.recall.indices {
                prcsv += "\(csvField(e.name)),\(e.pr.recall[i]),\(e.pr.precision[i]),\(i < e.pr.thresholds.count ? String(e.pr.thresholds[i]) : "")\n"
            }
        }
        var written: [String] = []
        func save(_ text: String, _ name: String) throws {
            let url = dir.appendingPathComponent(name)
            try AtomicFile.write(Array(text.utf8), to: url)
            written.append(displayPath(url))
        }
        try save(roccsv, "roc.csv")
        try save(prcsv, "pr.csv")

        // SVG: micro + the best-supported outputs with a defined curve.
        let drawable = entries.filter { $0.support > 0 && $0.support < truth.rows }
        let shown = drawable.sorted { $0.support != $1.support ? $0.support > $1.support : $0.name < $1.name }.prefix(maxSeries)
        let shownNames = Set(shown.map(\.name))
        let ordered = entries.filter { shownNames.contains($0.name) }
        let kind = classifier.isMultiClass ? "class" : "label"
        let subset = ordered.count < entries.count ? " (\(ordered.count) of \(entries.count) \(kind)s, most positives)" : ""
        let dataName = (data as NSString).lastPathComponent

        var roc = SVGLinePlot(title: "ROC on \(dataName)\(subset)", xLabel: "False positive rate", yLabel: "True positive rate")
        roc.xRange = 0...1
        roc.yRange = 0...1
        roc.diagonal = true
        roc.series = [SVGLinePlot.Series(name: "micro-average (AUC \(micro.roc.auc.map { fmt($0, 3) } ?? "n/a"))",
                                         points: downsampled(micro.rocPlot.fpr, micro.rocPlot.tpr), emphasized: true)]
            + ordered.map { SVGLinePlot.Series(name: "\($0.name) (AUC \($0.roc.auc.map { fmt($0, 3) } ?? "n/a"))",
                                               points: downsampled($0.rocPlot.fpr, $0.rocPlot.tpr)) }
        try save(roc.render(), "roc.svg")

        var pr = SVGLinePlot(title: "Precision-recall on \(dataName)\(subset)", xLabel: "Recall", yLabel: "Precision")
        pr.xRange = 0...1
        pr.yRange = 0...1
        pr.series = [SVGLinePlot.Series(name: "micro-average (AP \(fmt(micro.pr.averagePrecision, 3)))",
                                        points: downsampled(micro.pr.recall, micro.pr.precision), emphasized: true)]
            + ordered.map { SVGLinePlot.Series(name: "\($0.name) (AP \(fmt($0.pr.averagePrecision, 3)))",
                                               points: downsampled($0.pr.recall, $0.pr.precision)) }
        try save(pr.render(), "pr.svg")

        // Training curves from the history saved by `train`.
        let historyURL = TrainingHistory.url(forModel: URL(fileURLWithPath: model))
        if FileManager.default.fileExists(atPath: historyURL.path) {
            let history = try TrainingHistory.read(from: historyURL)
            let records = history.result.history
            var csv = "epoch,train_loss,validation_loss,monitored,seconds,samples_per_s,improved\n"
            for r in records {
                csv += "\(r.epoch),\(r.trainLoss),\(r.validationLoss.map { String($0) } ?? ""),\(r.metric.map { String($0) } ?? ""),\(r.seconds),\(r.samplesPerSecond),\(r.improved)\n"
            }
            var plot = SVGLinePlot(title: "Training curves (best epoch \(history.result.bestEpoch))", xLabel: "Epoch", yLabel: "Loss")
            plot.series = [SVGLinePlot.Series(name: "training loss", points: records.map { (Double($0.epoch), $0.trainLoss) })]
            let val = records.compactMap { r in r.validationLoss.map { (Double(r.epoch), $0) } }
            if !val.isEmpty { plot.series.append(SVGLinePlot.Series(name: "validation loss", points: val)) }
            if let refit = history.refit, !refit.isEmpty {
                plot.series.append(SVGLinePlot.Series(name: "training loss, refit on all rows", points: refit.map { (Double($0.epoch), $0.trainLoss) }))
                for r in refit { csv += "refit \(r.epoch),\(r.trainLoss),,,\(r.seconds),\(r.samplesPerSecond),\n" }
            }
            if let best = records.first(where: { $0.epoch == history.result.bestEpoch }), let v = best.validationLoss {
                plot.series.append(SVGLinePlot.Series(name: "best epoch \(best.epoch)", points: [(Double(best.epoch), v), (Double(best.epoch), best.trainLoss)]))
            }
            try save(csv, "history.csv")
            try save(plot.render(), "training-loss.svg")
        } else {
            FileHandle.standardError.write(Data("note: no training history at \(historyURL.path); training curves skipped\n".utf8))
        }
        let skipped = entries.count - drawable.count
        if skipped > 0 {
            FileHandle.standardError.write(Data("note: \(skipped) \(kind)(s) without positive or negative rows have no ROC curve (NaN in roc.csv)\n".utf8))
        }
        try StandardOutput.write(written.joined(separator: "\n") + "\n")
    }
}

/// At most ~600 points of a curve for plotting (the CSV keeps every point): every point is kept
/// when there are few, otherwise an even subsample that keeps the first and last points.
func downsampled(_ x: [Double], _ y: [Double], limit: Int = 600) -> [(x: Double, y: Double)] {
    let n = min(x.count, y.count)
    guard n > limit else { return (0..<n).map { (x[$0], y[$0]) } }
    var out: [(x: Double, y: Double)] = []
    out.reserveCapacity(limit + 1)
    for k in 0..<limit { let i = k * (n - 1) / (limit - 1); out.append((x[i], y[i])) }
    return out
}

import Foundation

/// Plain-text rendering of the reports (aligned tables), for the `logits metrics` command.
enum TextTable {
    static func fmt(_ x: Double?) -> String {
        guard let x else { return "undefined" }
        if x.isNaN { return "nan" }
        return String(format: "%.4f", x)
    }

    /// Columns padded to their widest cell; first column left-aligned, the others right-aligned.
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ r: [String]) -> String {
            r.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - s.count)
                return c == 0 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    static func section(_ title: String, _ body: String) -> String { "\n== \(title) ==\n" + body + "\n" }
}

extension MultiLabelReport {
    /// The report as readable tables (per-label rows limited to `maxRows`; `--json` has them all).
    public func text(maxRows: Int = 30) -> String {
        let d = decisions, r = ranking, c = curves
        var out = "Multi-label report: \(samples) samples, \(labels) labels, decisions \(rule.summary)\n"
        out += TextTable.section("Decisions", TextTable.render(["metric", "micro", "macro", "weighted", "samples"], [
            ["precision", TextTable.fmt(d.precision.micro), TextTable.fmt(d.precision.macro), TextTable.fmt(d.precision.weighted), TextTable.fmt(d.precisionSamples)],
            ["recall", TextTable.fmt(d.recall.micro), TextTable.fmt(d.recall.macro), TextTable.fmt(d.recall.weighted), TextTable.fmt(d.recallSamples)],
            ["f1", TextTable.fmt(d.f1.micro), TextTable.fmt(d.f1.macro), TextTable.fmt(d.f1.weighted), TextTable.fmt(d.f1Samples)],
            ["jaccard", TextTable.fmt(d.jaccard.micro), TextTable.fmt(d.jaccard.macro), TextTable.fmt(d.jaccard.weighted), TextTable.fmt(d.jaccardSamples)],
        ]) + "\n" + TextTable.render(["metric", "value"], [
            ["hamming loss", TextTable.fmt(d.hammingLoss)],
            ["subset accuracy", TextTable.fmt(d.subsetAccuracy)],
        ]))
        out += TextTable.section("Ranking (on the scores)", TextTable.render(["metric", "value"], [
            ["label ranking loss", TextTable.fmt(r.rankingLoss)],
            ["coverage error (sklearn)", TextTable.fmt(r.coverageError)],
            ["one-error (empty rows = errors)", TextTable.fmt(r.oneError)],
            ["one-error (empty rows skipped)", TextTable.fmt(r.oneErrorSkipEmpty)],
            ["label ranking average precision", TextTable.fmt(r.labelRankingAveragePrecision)],
            ["precision@\(k)", TextTable.fmt(r.precisionAtK)],
            ["nDCG@\(k)", TextTable.fmt(r.ndcgAtK)],
            ["nDCG", TextTable.fmt(r.ndcg)],
            ["samples without labels", "\(r.samplesWithoutLabels)"],
        ]))
        if let p = propensityScored {
            out += TextTable.section("Propensity-scored (A = \(p.a), B = \(p.b), \(p.trainingRows) training rows)",
                                     TextTable.render(["k", "PSP@k", "PSnDCG@k"], p.ks.enumerated().map { t, k in
                                         ["\(k)", TextTable.fmt(p.psPrecision[t]), TextTable.fmt(p.psNDCG[t])]
                                     }))
        }
        out += TextTable.section("ROC AUC / average precision", TextTable.render(["average", "ROC AUC", "AP"], [
            ["micro", TextTable.fmt(c.rocAUCMicro), TextTable.fmt(c.averagePrecisionMicro)],
            ["macro", TextTable.fmt(c.rocAUCMacro), TextTable.fmt(c.averagePrecisionMacro)],
            ["weighted", TextTable.fmt(c.rocAUCWeighted), TextTable.fmt(c.averagePrecisionWeighted)],
        ]) + (c.rocAUCSkippedLabels.isEmpty ? "" :
            "\nROC AUC undefined (one class only) and left out of the averages for labels \(c.rocAUCSkippedLabels.prefix(20).map(String.init).joined(separator: ", "))"
            + (c.rocAUCSkippedLabels.count > 20 ? " ... (\(c.rocAUCSkippedLabels.count) in all)" : "")))
        out += TextTable.section("Probabilities (sigmoid)", TextTable.render(["metric", "value"], [
            ["Brier score", TextTable.fmt(brierScore)],
            ["expected calibration error (15 bins)", TextTable.fmt(calibration.expectedCalibrationError)],
        ]))
        let shown = min(labels, maxRows)
        var rows: [[String]] = []
        for j in 0..<shown {
            let cm = d.confusion[j]
            rows.append(["\(j)", "\(cm.support)", TextTable.fmt(d.precision.perClass[j]), TextTable.fmt(d.recall.perClass[j]),
                         TextTable.fmt(d.f1.perClass[j]), TextTable.fmt(c.rocAUCPerLabel[j]), TextTable.fmt(c.averagePrecisionPerLabel[j]),
                         "\(cm.tn)", "\(cm.fp)", "\(cm.fn)", "\(cm.tp)"])
        }
        out += TextTable.section("Per label" + (shown < labels ? " (first \(shown) of \(labels); --json has all)" : ""),
                                 TextTable.render(["label", "support", "precision", "recall", "f1", "ROC AUC", "AP", "tn", "fp", "fn", "tp"], rows))
        if let s = saturation, !s.warnings.isEmpty {
            out += TextTable.section("Saturation warning", s.warnings.prefix(10).joined(separator: "\n")
                + (s.warnings.count > 10 ? "\n... \(s.warnings.count) labels flagged in all" : ""))
        }
        return out
    }
}

extension DecisionRule {
    /// Short human description.
    public var summary: String {
        switch self {
        case .global(let t): return "score > \(t)"
        case .perLabel(let ts): return "per-label thresholds (\(ts.count))"
        case .topK(let k): return "top-\(k) labels"
        case .atLeastOne(let base): return base.summary + ", at least the top label"
        }
    }
}

extension MultiClassReport {
    /// The report as readable tables.
    public func text(maxRows: Int = 30) -> String {
        var out = "Multi-class report: \(samples) samples, \(classes) classes\n"
        out += TextTable.section("Summary", TextTable.render(["metric", "value"], [
            ["accuracy", TextTable.fmt(accuracy)],
            ["balanced accuracy", TextTable.fmt(balancedAccuracy)],
            ["top-\(k) accuracy", TextTable.fmt(topKAccuracy)],
            ["log loss (exact, from logits)", TextTable.fmt(logLossFromLogits)],
            ["log loss (sklearn, clipped p)", TextTable.fmt(logLoss)],
            ["Brier score", TextTable.fmt(brierScore)],
            ["expected calibration error (15 bins)", TextTable.fmt(calibration.expectedCalibrationError)],
        ]))
        out += TextTable.section("Precision / recall / F1 (zero_division = 0)", TextTable.render(["average", "precision", "recall", "f1"], [
            ["micro", TextTable.fmt(precision.micro), TextTable.fmt(recall.micro), TextTable.fmt(f1.micro)],
            ["macro", TextTable.fmt(precision.macro), TextTable.fmt(recall.macro), TextTable.fmt(f1.macro)],
            ["weighted", TextTable.fmt(precision.weighted), TextTable.fmt(recall.weighted), TextTable.fmt(f1.weighted)],
        ]))
        out += TextTable.section("ROC AUC", TextTable.render(["score", "macro", "weighted"], [
            ["OvR on probabilities", TextTable.fmt(rocAUCOvRMacro), TextTable.fmt(rocAUCOvRWeighted)],
            ["OvR on log-odds", TextTable.fmt(rocAUCOvRLogOddsMacro), TextTable.fmt(rocAUCOvRLogOddsWeighted)],
            ["OvR on raw logits", TextTable.fmt(rocAUCOvRLogitsMacro), TextTable.fmt(rocAUCOvRLogitsWeighted)],
            ["OvO (Hand & Till)", TextTable.fmt(rocAUCOvOMacro), ""],
        ]) + (rocAUCOvRSkippedClasses.isEmpty ? "" :
            "\nclasses absent from the truth (OvR AUC undefined, left out): \(rocAUCOvRSkippedClasses.map(String.init).joined(separator: ", "))"))
        let shown = min(classes, maxRows)
        let rows = (0..<shown).map { c -> [String] in
            ["\(c)", "\(confusionMatrix[c].reduce(0, +))", TextTable.fmt(precision.perClass[c]), TextTable.fmt(recall.perClass[c]),
             TextTable.fmt(f1.perClass[c]), TextTable.fmt(rocAUCOvRPerClass[c])]
        }
        out += TextTable.section("Per class" + (shown < classes ? " (first \(shown) of \(classes); --json has all)" : ""),
                                 TextTable.render(["class", "support", "precision", "recall", "f1", "OvR AUC"], rows))
        out += TextTable.section("Reliability (top-label confidence)", calibration.reliabilityTable)
        if classes <= 20 {
            let header = ["true \\ pred"] + (0..<classes).map(String.init)
            out += TextTable.section("Confusion matrix", TextTable.render(header, (0..<classes).map { t in
                ["\(t)"] + confusionMatrix[t].map(String.init)
            }))
        }
        if let s = saturation, !s.warnings.isEmpty {
            out += TextTable.section("Saturation warning", s.warnings.prefix(10).joined(separator: "\n"))
        }
        return out
    }
}

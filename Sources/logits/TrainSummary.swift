import Foundation
import Logits
import LogitsEvaluation
import LogitsMetrics

/// What `logits train` prints: the header before training, then the report as text or JSON.
struct TrainSummary {
    var input: TrainingInput
    var trained: TrainedClassifier
    var diagnostics: DataDiagnostics
    var evaluated: (name: String, set: Dataset)?
    var report: EvaluationReport?
    var modelURL: URL
    var historyURL: URL
    var seconds: Double

    /// The data, model and training lines printed before training.
    static func header(input: TrainingInput, plan: TrainingPlan, lossDescription: String) -> [String] {
        let train = input.train
        let multiClass: Bool
        if case .multiClass = train.task { multiClass = true } else { multiClass = false }
        let split = plan.refit ? "(\(fmt(plan.validationFraction * 100, 0)) % held out for early stopping, then all)"
            : plan.validationFraction > 0 ? "(\(fmt(plan.validationFraction * 100, 0)) % held out for validation)" : "(no validation split)"
        let dims = ([train.featureCount] + plan.hidden + [train.task.outputCount]).map(String.init).joined(separator: "-")
        let selection = plan.candidates.isEmpty ? "weight decay \(plan.weightDecay), dropout \(plan.dropout)"
            : "weight decay and dropout chosen on validation from " + plan.candidates.map { "(\($0.weightDecay), \($0.dropout))" }.joined(separator: ", ")
        return [
            "Data: \(input.trainName): \(train.count) rows \(split)"
                + (input.test.map { ", test \(input.testName ?? ""): \($0.count) rows" } ?? "")
                + "; \(train.featureCount) features, \(train.task.outputCount) \(multiClass ? "classes (multiclass)" : "labels (multilabel)")",
            "Model: MLP \(dims), \(plan.activation)" + (plan.layerNorm ? ", LayerNorm" : "") + "; loss: \(lossDescription)",
            "Training: \(plan.optimizer) lr \(plan.learningRate), \(selection)" + (plan.cosineSchedule ? ", cosine schedule" : "")
                + ", batch \(plan.batchSize), up to \(plan.epochs) epochs"
                + (plan.patience.map { ", early stopping on \(plan.monitor) (patience \($0))" } ?? "")
                + (plan.refit ? ", then refit on all \(train.count) rows" : "")
                + (plan.tuneThresholds ? ", per-label thresholds tuned on validation" : "")
                + ", seed \(plan.seed), GEMM \(Gemm.shared.name)",
        ]
    }

    /// The text report.
    var text: String {
        let r = trained.result, plan = trained.plan
        var out = trained.preprocessing.map { "Features: " + $0 + "\n" }.joined()
        if !trained.selection.isEmpty {
            let chosen = trained.selection.first { $0.chosen }
            out += "Model selection: weight decay \(plan.weightDecay), dropout \(plan.dropout) (best \(plan.monitor) \(chosen.map { fmt($0.score) } ?? "n/a") of \(trained.selection.count) candidates)\n"
        }
        if r.validationRows > 0 {
            out += (r.stoppedEarly ? "Stopped early after epoch \(r.history.count)" : "Trained \(r.history.count) epochs")
                + "; best epoch \(r.bestEpoch) (\(plan.monitor) \(r.bestMetric.map { fmt($0) } ?? "n/a"))"
                + (r.refitHistory != nil ? "; refit on all \(input.train.count) rows for \(r.bestEpoch) epochs" : "; kept its weights")
                + ". \(fmt(seconds, 2)) s.\n"
        } else {
            out += "Trained \(r.history.count) epochs. \(fmt(seconds, 2)) s.\n"
        }
        if let b = trained.baseline { out += Self.baselineLine(b, what: baselineWhat) + "\n" }
        if let (name, set) = evaluated, let report {
            out += "\n\(name.prefix(1).uppercased() + name.dropFirst()) metrics (\(set.count) rows, \(decisionText)):\n"
            var t = TextTable(["metric", "value"])
            for h in report.summary { t.add([h.name, h.value.map { fmt($0) } ?? "n/a"]) }
            out += t.render()
            if input.isBundled { out += "\n" + BundledYeast.comparison(report) }
        } else {
            out += "\nNo held-out rows to evaluate" + (r.refitHistory != nil ? " (the refit trained on every row)" : "") + "; pass --test FILE to get test metrics.\n"
        }
        out += "\nSaved \(displayPath(modelURL)) and \(displayPath(historyURL))\n"
        return out
    }

    /// The baseline verdict: beats it (loss and metric), beats it on the metric with a loss
    /// above the baseline's (a note on calibration, no warning), or a WARNING when it loses on
    /// both (or on the loss with no metric).
    static func baselineLine(_ b: BaselineComparison, what: String) -> String {
        let metric: String
        if let name = b.metricName, let m = b.modelMetric, let base = b.baselineMetric {
            metric = "\(name) \(fmt(m)) vs \(fmt(base))"
        } else {
            metric = ""
        }
        let loss = "validation loss \(fmt(b.modelLoss)) vs \(fmt(b.baselineLoss))"
        if !b.modelIsBetter {
            return "WARNING: the model does not beat the constant baseline (each \(what)): \(loss)"
                + (metric.isEmpty ? "" : ", \(metric)") + ". Try other settings (e.g. --weight-decay 0.01, --no-standardize)."
        }
        if b.beatsOnLoss {
            return "The model beats the constant baseline (each \(what)): \(loss)" + (metric.isEmpty ? "" : ", \(metric)") + "."
        }
        return "The model beats the constant baseline (each \(what)) on \(metric), but its \(loss) is higher: "
            + "its probabilities on the held-out rows are mis-calibrated (rankings and tuned thresholds are fine; probabilities are not)."
    }

    private var baselineWhat: String {
        if case .multiClass = input.train.task { return "class predicted with its training frequency" }
        return "label predicted with its training base rate"
    }

    private var decisionText: String {
        if trained.classifier.isMultiClass { return "decision argmax" }
        return trained.classifier.hasDefaultThresholds ? "decision threshold 0.5" : "per-label thresholds tuned on validation"
    }

    /// The data diagnostics as JSON.
    static func json(_ d: DataDiagnostics) -> MetricValue {
        func labels(_ l: [DataDiagnostics.Label]) -> MetricValue {
            .array(l.map { .object([MetricEntry("name", .string($0.name)), MetricEntry("positives", .integer($0.positives))]) })
        }
        return .object([
            MetricEntry("rows", .integer(d.rows)), MetricEntry("features", .integer(d.features)),
            MetricEntry("outputs", .integer(d.outputs)),
            MetricEntry("labels_without_positives", labels(d.labelsWithoutPositives)),
            MetricEntry("labels_with_fewer_than_\(DataDiagnostics.rarePositiveLimit)_positives", labels(d.rareLabels)),
            MetricEntry("constant_features", .array(d.constantFeatures.map { .string($0.name) })),
            MetricEntry("label_cardinality", .number(d.labelCardinality)), MetricEntry("label_density", .number(d.labelDensity)),
            MetricEntry("min_positive_rate", .number(d.minPositiveRate)), MetricEntry("max_positive_rate", .number(d.maxPositiveRate)),
            MetricEntry("imbalance_ratio", d.imbalanceRatio.map { .number($0) } ?? .null),
            MetricEntry("binary_feature_fraction", .number(d.binaryFeatureFraction)),
        ])
    }

    /// The `--json` report: paths, counts, every hyper-parameter used, selection, baseline, metrics.
    var json: MetricValue {
        let r = trained.result
        var entries: [MetricEntry] = [
            MetricEntry("model", .string(modelURL.path)),
            MetricEntry("history", .string(historyURL.path)),
            MetricEntry("task", .string(trained.classifier.isMultiClass ? "multiclass" : "multilabel")),
            MetricEntry("train_rows", .integer(r.refitHistory != nil ? input.train.count : r.trainingRows)),
            MetricEntry("validation_rows", .integer(r.validationRows)),
            MetricEntry("epochs_run", .integer(r.history.count)),
            MetricEntry("best_epoch", .integer(r.bestEpoch)),
            MetricEntry("refit_epochs", .integer(r.refitHistory?.count ?? 0)),
            MetricEntry("stopped_early", .bool(r.stoppedEarly)),
            MetricEntry("seconds", .number(seconds)),
            MetricEntry("parameters", .integer(trained.classifier.network.parameterCount)),
            MetricEntry("hyperparameters", .object(trained.plan.entries.map { MetricEntry($0.0, .string($0.1)) })),
            MetricEntry("preprocessing", .array(trained.preprocessing.map { .string($0) })),
            MetricEntry("diagnostics", Self.json(diagnostics)),
        ]
        if !trained.selection.isEmpty {
            entries.append(MetricEntry("model_selection", .array(trained.selection.map {
                .object([MetricEntry("weight_decay", .number(Double($0.candidate.weightDecay))),
                         MetricEntry("dropout", .number(Double($0.candidate.dropout))),
                         MetricEntry("score", .number($0.score)), MetricEntry("best_epoch", .integer($0.bestEpoch)),
                         MetricEntry("chosen", .bool($0.chosen))])
            })))
        }
        if let b = trained.baseline {
            entries.append(MetricEntry("baseline", .object([
                MetricEntry("validation_loss", .number(b.baselineLoss)), MetricEntry("model_validation_loss", .number(b.modelLoss)),
                MetricEntry("model_beats_baseline", .bool(b.modelIsBetter)),
                MetricEntry("model_beats_baseline_loss", .bool(b.beatsOnLoss)),
                MetricEntry("metric", b.metricName.map { .string($0) } ?? .null),
                MetricEntry("validation_metric", b.baselineMetric.map { .number($0) } ?? .null),
                MetricEntry("model_validation_metric", b.modelMetric.map { .number($0) } ?? .null)])))
        }
        if !trained.classifier.isMultiClass && !trained.classifier.hasDefaultThresholds {
            entries.append(MetricEntry("thresholds_logit", .numbers(trained.classifier.logitThresholds)))
        }
        if let (name, _) = evaluated, let report { entries.append(MetricEntry(name, report.json)) }
        if input.isBundled, let report { entries.append(MetricEntry("published", BundledYeast.publishedJSON(report))) }
        return .object(entries)
    }
}

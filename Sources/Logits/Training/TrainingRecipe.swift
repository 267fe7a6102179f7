import Foundation

/// Turns a labelled data set and the user's `TrainingOptions` into a `Classifier`: the one training
/// policy of the package (`logits train`, `logits cv`, the benchmarks and the quality tests all
/// call it).
///
/// The policy, in order:
/// 1. **Settings.** `plan(rows:task:hasTestSet:sparse:features:)` fills every unset option from
///    `TrainingDefaults.recommended(rows:features:sparse:)`; nothing the user set is overridden.
/// 2. **Features.** With `tfidf`, term counts are TF-IDF weighted and L2-normalized
///    (`TermWeighting`, stored in the model) and not standardized. Otherwise scaled as
///    `FeatureScaling` decides from all training rows (binary columns:
///    `TrainingOptions.binaryScaling`, else `TrainingDefaults.binaryScaling(rows:sparse:)`;
///    recorded in the plan), stored in the model. Sparse (CSR) data is scaled without centring
///    and stays sparse.
/// 3. **Validation split.** One seeded, stratified split (`Dataset.splitIndices`) of
///    `validationFraction` of the rows, used for early stopping, model selection, thresholds and
///    the constant baseline.
/// 4. **Model selection** (small data, weight decay and dropout both unset): every candidate of
///    `TrainingDefaults.selectionGrid` is trained with early stopping on the same split and the
///    best monitored validation value wins (ties: the earlier candidate).
/// 5. **Baseline.** The constant predictor (training base rates / class prior) scored on the
///    validation rows with the loss and, with `EvaluationHooks.metricMonitor`, the metric
///    (`BaselineComparison`: the model beats it on either).
/// 6. **Thresholds** (multi-label with a split): per-label logit thresholds tuned on the
///    validation logits of the chosen early-stopped model, with its logits on the training rows
///    for labels rare on validation (`EvaluationHooks.thresholdTuner`).
/// 7. **Refit** (small data with a split and a test set, by default): a fresh model with the same
///    seed and settings trained on all rows for the best epoch count; it keeps the thresholds of 6.
public struct TrainingRecipe: Sendable {
    public var options: TrainingOptions
    public var hooks: EvaluationHooks

    public init(options: TrainingOptions = TrainingOptions(), hooks: EvaluationHooks = .none) {
        self.options = options
        self.hooks = hooks
    }

    /// Progress of `train`.
    public enum Event: Sendable {
        /// A training phase begins: `"candidate 2/4 (weight decay 0.3, dropout 0.5)"`, `"refit"`, `"train"`.
        case phase(String)
        /// An event of the phase's `Trainer`.
        case training(TrainingEvent)
        /// A model-selection candidate finished.
        case candidate(TrainedClassifier.CandidateScore)
    }

    /// The settings a run on `rows` rows of `task` will use.
    /// - Throws: `LogitsError.invalidValue` for contradictory options (e.g. a refit without a split).
    /// - Parameters:
    ///   - rows: the number of training rows.
    ///   - task: the classification task of the data.
    ///   - hasTestSet: whether a test set follows (small data is refitted on all rows by default then).
    ///   - sparse: whether the features are held as CSR (a centring of their {0,1} columns is
    ///     applied inside the first layer).
    ///   - features: the number of input columns (the default hidden width depends on it, and
    ///     wide sparse data gets the wide-sparse defaults: `TrainingDefaults.recommended(rows:features:sparse:)`;
    ///     0: unknown).
    public func plan(rows: Int, task: ClassificationTask, hasTestSet: Bool, sparse: Bool = false,
                     features: Int = 0) throws -> TrainingPlan {
        let o = options
        let d = TrainingDefaults.recommended(rows: rows, features: features, sparse: sparse)
        let validation = o.validationFraction ?? d.validationFraction
        let refit = o.refit ?? (d.refit && hasTestSet && validation > 0)
        if refit && validation == 0 {
            throw LogitsError.invalidValue("a refit needs a validation split to find the epoch count (validation fraction > 0)")
        }
        let multiLabel: Bool
        if case .multiClass = task { multiLabel = false } else { multiLabel = true }
        let tune = o.tuneThresholds ?? (multiLabel && validation > 0 && hooks.thresholdTuner != nil)
        if tune && !(multiLabel && validation > 0) {
            throw LogitsError.invalidValue("tuning thresholds needs a multi-label task and a validation split (validation fraction > 0)")
        }
        let decay: Float = o.weightDecay ?? (o.optimizer == .adamw ? d.weightDecay : 0)
        let dropout = o.dropout ?? d.dropout
        let select = o.selectHyperparameters
            ?? (o.weightDecay == nil && o.dropout == nil && o.optimizer == .adamw && validation > 0 && rows <= TrainingDefaults.smallDataLimit)
        if select && validation == 0 {
            throw LogitsError.invalidValue("model selection needs a validation split (validation fraction > 0)")
        }
        let lossKind = o.loss ?? task.defaultLossKind
        let patience = o.patience ?? d.patience
        return TrainingPlan(
            hidden: o.hidden ?? d.hidden, activation: o.activation.name, dropout: dropout, layerNorm: o.layerNorm,
            loss: lossKind.rawValue, optimizer: o.optimizer.rawValue, learningRate: o.learningRate,
            weightDecay: decay, momentum: o.optimizer == .sgd ? o.momentum : nil,
            epochs: o.epochs ?? d.epochs, batchSize: o.batchSize ?? d.batchSize,
            cosineSchedule: o.cosineSchedule ?? d.cosine,
            patience: validation > 0 && patience > 0 ? patience : nil,
            monitor: o.monitorMetric ? (hooks.metricMonitor?(task).name ?? "metric") : Monitor.validationLoss.name,
            validationFraction: validation, refit: refit, tuneThresholds: tune, standardize: o.standardize && !o.tfidf,
            termWeighting: o.tfidf ? (o.sublinearTF ? "tfidf-sublinear" : "tfidf") : nil,
            binaryScaling: o.binaryScaling ?? TrainingDefaults.binaryScaling(rows: rows, sparse: sparse),
            sharedRange: o.sharedRange ?? .common, seed: o.seed,
            candidates: select ? TrainingDefaults.selectionGrid(rows: rows, dropout: o.dropout, weightDecay: o.weightDecay) : [])
    }

    /// Trains a classifier on `data` (see the type's policy).
    /// - Parameters:
    ///   - data: the labelled training rows (raw features; the recipe scales them).
    ///   - hasTestSet: whether a separate test set exists (it turns the default refit on).
    ///   - onEvent: progress: phases, trainer events and model-selection candidates.
    /// - Throws: `LogitsError` for bad options or data; training errors of `Trainer.fit`.
    public func train(_ data: Dataset, hasTestSet: Bool = false,
                      onEvent: ((Event) -> Void)? = nil) throws -> TrainedClassifier {
        let task = data.task
        var plan = try self.plan(rows: data.count, task: task, hasTestSet: hasTestSet, sparse: data.isSparse,
                                 features: data.featureCount)
        if options.monitorMetric && hooks.metricMonitor == nil {
            throw LogitsError.unavailable("early stopping on a metric needs EvaluationHooks.metricMonitor (LogitsEvaluation's .standard)")
        }
        let monitor: Monitor = options.monitorMetric ? hooks.metricMonitor!(task) : .validationLoss  // trap-ok: checked just above
        try checkMemory(plan, inputs: data.featureCount, outputs: task.outputCount, sparseInput: data.isSparse)

        // Term counts weighted by TF-IDF when asked (fitted on all training rows; zeros stay zeros).
        var raw = data.featureMatrix
        var termWeighting: TermWeighting?
        if plan.termWeighting != nil {
            switch raw {
            case .dense(var m):
                let w = try TermWeighting(fitting: m, sublinearTF: options.sublinearTF)
                try w.apply(to: &m)
                (termWeighting, raw) = (w, .dense(m))
            case .sparse(var s):
                let w = try TermWeighting(fitting: s, sublinearTF: options.sublinearTF)
                try w.apply(to: &s)
                (termWeighting, raw) = (w, .sparse(s))
            }
        }

        // Features, scaled as decided from all training rows (`FeatureScaling`); sparse data stays
        // sparse: its values are only divided, a centring goes to the first layer (`inputShift`).
        let scaling: FeatureScaling?
        let standardizer: Standardizer?
        let x: FeatureMatrix
        let isSparse: Bool
        if case .sparse = raw { isSparse = true } else { isSparse = false }
        let policy = FeatureScaling.Policy(binary: plan.binaryScaling ?? TrainingDefaults.binaryScaling(rows: data.count, sparse: isSparse),
                                           sharedRange: plan.sharedRange ?? .common)
        switch raw {
        case .dense(let features):
            scaling = plan.standardize ? try FeatureScaling(fitting: features, policy: policy) : nil
            standardizer = try scaling.map { try Self.fullWidthStandardizer($0, features: features) }
            x = .dense(try standardizer.map { try $0.transform(features) } ?? features)
        case .sparse(var features):
            // Divided by the scales; a centring of binary columns (the default, as dense) is
            // applied inside the first layer (`sparseInputShift`), so the data stays sparse.
            scaling = plan.standardize ? try FeatureScaling(fitting: features, policy: policy) : nil
            standardizer = try scaling.map { try Self.fullWidthStandardizer($0, features: Matrix(rows: 0, cols: features.cols)) }
            if let standardizer { try standardizer.divide(&features) }
            x = .sparse(features)
        }
        let inputShift = x.isSparse ? standardizer?.sparseInputShift : nil

        // The one validation split.
        var fitX = x, fitY = data.targets, fitMask = data.labelMask
        var validation: Dataset?
        var valX: FeatureMatrix?, valY: Targets?, valMask: Matrix?
        if plan.validationFraction > 0 {
            let split = try Dataset.splitIndices(targets: data.targets, classCount: task.outputCount,
                                                 validationFraction: plan.validationFraction, seed: plan.seed)
            fitX = x.gatherRows(split.train)
            fitY = data.targets.gatherRows(split.train)
            valX = x.gatherRows(split.validation)
            valY = data.targets.gatherRows(split.validation)
            fitMask = data.labelMask?.gatherRows(split.train)
            valMask = data.labelMask?.gatherRows(split.validation)
            validation = data.subset(rows: split.validation)
        }
        // The loss; pos_weight "auto" counts the rows the final model trains on.
        var trainingLabels: Matrix?
        if case .matrix(let m) = plan.refit ? data.targets : fitY { trainingLabels = m }
        let loss = try (options.loss ?? task.defaultLossKind).makeLoss(options.lossOptions, trainingLabels: trainingLabels)

        // Candidates (model selection) or the one setting.
        let candidates = plan.candidates.isEmpty ? [TrainingPlan.Candidate(weightDecay: plan.weightDecay, dropout: plan.dropout)] : plan.candidates
        var best: (model: MLP, result: TrainingResult, index: Int)?
        var scores: [TrainedClassifier.CandidateScore] = []
        for (i, candidate) in candidates.enumerated() {
            if best != nil, options.stopRequested?() == true { break }
            if candidates.count > 1 {
                onEvent?(.phase("candidate \(i + 1)/\(candidates.count) (weight decay \(candidate.weightDecay), dropout \(candidate.dropout))"))
            } else {
                onEvent?(.phase("train"))
            }
            let candidateSpec = spec(plan, inputs: data.featureCount, outputs: task.outputCount, dropout: candidate.dropout)
            try candidateSpec.checkMemory(batch: plan.batchSize, sparseInput: data.isSparse)  // before anything is allocated
            let model = try MLP(spec: candidateSpec, seed: plan.seed)
            var config = trainerConfig(plan, loss: loss, monitor: monitor, weightDecay: candidate.weightDecay)
            config.sparseInputShift = inputShift
            if let valX, let valY { config.validation = .givenFeatures(valX, targets: valY) }
            let result = try Trainer(config: config).fit(model, features: fitX, targets: fitY, mask: fitMask,
                                                         validationMask: valMask) { onEvent?(.training($0)) }
            if candidates.count > 1 {
                let score = result.bestMetric ?? .nan
                scores.append(.init(candidate: candidate, score: score, bestEpoch: result.bestEpoch, chosen: false))
                onEvent?(.candidate(scores[scores.count - 1]))
                let better: Bool
                if let b = best, let bs = b.result.bestMetric {
                    better = score.isFinite && (monitor.mode == .min ? score < bs : score > bs)
                } else {
                    better = best == nil || score.isFinite
                }
                if better { best = (model, result, i) }
            } else {
                best = (model, result, i)
            }
        }
        guard let chosen = best else {
            throw LogitsError.invalidValue("no training candidate")  // unreachable: candidates is never empty
        }
        var (model, result) = (chosen.model, chosen.result)
        let chosenIndex = chosen.index
        if !scores.isEmpty { scores[chosenIndex].chosen = true }
        plan.weightDecay = candidates[chosenIndex].weightDecay
        plan.dropout = candidates[chosenIndex].dropout

        // The constant baseline and the thresholds, on the validation rows.
        var baseline: BaselineComparison?
        var thresholds: [Double]?
        if let valX, let valY {
            let validationLogits = try model.logits(valX, inputShift: inputShift)  // the chosen early-stopped model
            let record = result.history.first { $0.epoch == result.bestEpoch }
            if let modelLoss = record?.validationLoss {
                var comparison = BaselineComparison(
                    baselineLoss: try ConstantBaseline.loss(loss, training: fitY, validation: valY, outputs: task.outputCount, mask: valMask),
                    modelLoss: modelLoss)
                // The ranking/accuracy metric too, when the hooks give one (a loss above the
                // baseline's can come from mis-calibrated probabilities on unfamiliar rows alone).
                if case .metric(let name, let mode, let compute)? = hooks.metricMonitor?(task) {
                    let constant = ConstantBaseline.logitMatrix(of: fitY, outputs: task.outputCount, rows: valY.count)
                    comparison.metricName = name
                    comparison.metricHigherIsBetter = mode == .max
                    comparison.baselineMetric = try? compute(constant, valY)
                    comparison.modelMetric = try? compute(validationLogits, valY)
                }
                baseline = comparison
            }
            if plan.tuneThresholds, case .matrix(let y) = valY {
                guard let tuner = hooks.thresholdTuner else {
                    throw LogitsError.unavailable("threshold tuning needs EvaluationHooks.thresholdTuner (LogitsEvaluation's .standard)")
                }
                guard case .matrix(let trainingY) = fitY else {
                    throw LogitsError.invalidValue("threshold tuning needs a label matrix")  // unreachable: valY is one
                }
                thresholds = try tuner(validationLogits, y,
                                       try model.logits(fitX, inputShift: inputShift), trainingY)  // already scaled
            }
        }

        // Refit on every row for the best epoch count.
        if plan.refit, result.bestEpoch > 0, options.stopRequested?() != true {
            onEvent?(.phase("refit"))
            model = try MLP(spec: spec(plan, inputs: data.featureCount, outputs: task.outputCount, dropout: plan.dropout), seed: plan.seed)
            var config = trainerConfig(plan, loss: loss, monitor: monitor, weightDecay: plan.weightDecay)
            config.sparseInputShift = inputShift
            config.epochs = result.bestEpoch
            config.patience = nil
            onEvent?(.training(.refit(epochs: result.bestEpoch, rows: data.count)))
            let refit = try Trainer(config: config).fit(model, features: x, targets: data.targets, mask: data.labelMask) { onEvent?(.training($0)) }
            result.refitHistory = refit.history
        }
        let classifier = try Classifier(network: model, task: task, labelNames: data.labelNames, featureNames: data.featureNames,
                                        standardizer: standardizer, logitThresholds: thresholds, termWeighting: termWeighting)
        let tfidfLine = termWeighting.map { w in
            ["TF-IDF: \(w.sublinearTF ? "1 + ln tf" : "tf") x idf (smooth, fitted on \(data.count) rows), rows scaled to unit L2 norm; no standardization"]
        } ?? []
        return TrainedClassifier(classifier: classifier, result: result, plan: plan, selection: scores,
                                 validation: validation, baseline: baseline,
                                 preprocessing: tfidfLine + ((data.isSparse ? scaling?.sparseSummaryLines(featureNames: data.featureNames)
                                                 : scaling?.summaryLines(featureNames: data.featureNames))
                                     ?? (termWeighting == nil ? ["features used as given (no scaling)"] : [])))
    }

    /// The scaling as a `Standardizer` over all `D` input columns: a kept column gets its shift
    /// and scale; a dropped (constant) column gets its training value as shift and the largest
    /// finite `Float` as scale, so it is exactly 0 on the training rows and contributes nothing
    /// (at most `|x| / 3.4e38`) whatever value it takes later. Model files and ONNX graphs store
    /// it as plain mean/scale arrays.
    static func fullWidthStandardizer(_ scaling: FeatureScaling, features: Matrix) throws -> Standardizer {
        var shift = [Float](repeating: 0, count: scaling.inputCount)
        var scale = [Float](repeating: .greatestFiniteMagnitude, count: scaling.inputCount)
        for (k, c) in scaling.kept.enumerated() {
            shift[c] = scaling.shift[k]
            scale[c] = scaling.scale[k]
        }
        for c in scaling.dropped where features.rows > 0 { shift[c] = features[0, c] }
        return try Standardizer(mean: shift, scale: scale)
    }

    /// Checks that the network of `plan` (`inputs` features, `outputs` outputs) and its training
    /// state fit the memory budget, before anything is allocated for it; `train` does it before
    /// the per-column preprocessing statistics (a tiny file with a huge feature index stops here).
    /// `sparseInput`: the data is CSR, so the first layer's weight is turned to `in x out` for training.
    /// - Throws: `MemoryBudgetError` naming the layer sizes and the bytes needed.
    public func checkMemory(_ plan: TrainingPlan, inputs: Int, outputs: Int, sparseInput: Bool = false) throws {
        try spec(plan, inputs: inputs, outputs: outputs, dropout: plan.dropout)
            .checkMemory(batch: plan.batchSize, sparseInput: sparseInput)
    }

    private func spec(_ plan: TrainingPlan, inputs: Int, outputs: Int, dropout: Float) -> MLPSpec {
        MLPSpec(inputs: inputs, hidden: plan.hidden, outputs: outputs, activation: options.activation,
                dropout: dropout, layerNorm: plan.layerNorm)
    }

    private func trainerConfig(_ plan: TrainingPlan, loss: any TrainingLoss, monitor: Monitor, weightDecay: Float) -> TrainerConfig {
        let optimizer: OptimizerConfig
        switch options.optimizer {
        case .adam: optimizer = .adam(weightDecay: weightDecay)
        case .adamw: optimizer = .adamW(weightDecay: weightDecay)
        case .sgd: optimizer = .sgd(momentum: options.momentum, nesterov: false, weightDecay: weightDecay)
        }
        return TrainerConfig(
            epochs: plan.epochs, batchSize: plan.batchSize, learningRate: plan.learningRate, optimizer: optimizer,
            schedule: plan.cosineSchedule ? .cosine(minimum: 0) : .constant, loss: loss, seed: plan.seed,
            validation: .none, monitor: monitor, patience: plan.patience,
            restoreBestWeights: plan.validationFraction > 0, reportBatches: true, stopRequested: options.stopRequested)
    }
}

import Foundation

/// Mini-batch training of an `MLP` with validation, early stopping and progress events.
///
/// Per epoch: the training rows are shuffled with a `SeededGenerator` seeded from `config.seed`
/// (one Fisher-Yates pass per epoch), cut into batches of `batchSize` (the last may be shorter),
/// and for each batch: gather rows into preallocated buffers → forward → loss and `d loss/d logits`
/// → backward → optional global-norm clipping → optimizer step with the scheduled learning rate.
/// After the epoch the validation set (if any) is evaluated in evaluation mode; the monitored value
/// decides improvement, patience and the best weights.
///
/// The batch loop allocates nothing once the buffers have their size (gradients, activations,
/// optimizer state, batch buffers are all reused). With the same seed, data, model seed, GEMM
/// backend and thread count, two runs give bitwise identical weights.
///
/// With `config.distributed` set, every rank of a job computes its slice of each batch and the
/// gradients are summed across ranks before the step (data parallel; see `DistributedContext`).
public struct Trainer: Sendable {
    public var config: TrainerConfig

    public init(config: TrainerConfig) {
        self.config = config
    }

    /// Trains `model` on `features` (`N x inputs`) and `targets` (`N` class indices or `N x outputs`).
    ///
    /// - Parameters:
    ///   - model: the network to train (its weights are updated in place).
    ///   - features: `N x inputs` training features.
    ///   - targets: `N` class indices or an `N x outputs` label matrix.
    ///   - mask: `N x outputs` target mask for missing labels (1 observed, 0 missing), or `nil`;
    ///     masked entries add nothing to the loss (the loss must be a multi-label `LossFunction`).
    ///   - validationMask: the mask of a `.given` validation set.
    ///   - onEvent: called on this thread after every batch (if `reportBatches`) and epoch.
    /// - Returns: the history and the best epoch; the model holds the final (or best) weights.
    /// - Throws: `LogitsError.invalidValue` / `.shapeMismatch` for bad data or options (before any
    ///   training); `LogitsError.nonFinite` naming the epoch and batch when the loss becomes NaN or
    ///   infinite; the model then holds the best weights so far (the initial ones if no epoch finished);
    ///   `MemoryBudgetError` when training the model with this batch size would exceed the budget.
    @discardableResult
    public func fit(
        _ model: MLP, features: Matrix, targets: Targets, mask: Matrix? = nil, validationMask: Matrix? = nil,
        onEvent: ((TrainingEvent) -> Void)? = nil
    ) throws -> TrainingResult {
        try fit(model, features: .dense(features), targets: targets, mask: mask, validationMask: validationMask, onEvent: onEvent)
    }

    /// `fit` on dense or sparse (CSR) features. With sparse features every batch is gathered as
    /// CSR and the first layer runs the sparse kernels (`Dense+Sparse.swift`); the losses, the
    /// optimizer and the rest of the network are unchanged, and nothing `N x D` is built.
    /// Data-parallel training (`config.distributed`) needs dense features.
    @discardableResult
    public func fit(
        _ model: MLP, features: FeatureMatrix, targets: Targets, mask: Matrix? = nil, validationMask: Matrix? = nil,
        onEvent: ((TrainingEvent) -> Void)? = nil
    ) throws -> TrainingResult {
        try config.validate()
        try model.spec.checkMemory(batch: min(config.batchSize, features.rows), sparseInput: features.isSparse)  // optimizer state + workspaces fit the budget
        let outputs = model.outputCount
        if features.isSparse, config.distributed != nil {
            throw LogitsError.unavailable("data-parallel training needs dense features; load the data with --dense")
        }
        try TrainingDataCheck.checkFeatures(features, expectedColumns: model.inputCount)
        try TrainingDataCheck.checkTargets(targets, rows: features.rows, outputs: outputs)
        let maskedLoss = config.loss as? any LossFunction
        if mask != nil || validationMask != nil {
            guard maskedLoss != nil, case .matrix = targets else {
                throw LogitsError.invalidValue("missing labels (a target mask) need a multi-label loss")
            }
        }
        if let mask, mask.rows != features.rows || mask.cols != outputs {
            throw LogitsError.shapeMismatch("target mask is \(mask.rows) x \(mask.cols), expected \(features.rows) x \(outputs)")
        }
        var trainMask = mask, valMask = validationMask

        // Training / validation rows.
        var trainX = features, trainY = targets
        var valX: FeatureMatrix?, valY: Targets?
        switch config.validation {
        case .none: break
        case .fraction(let f):
            // The same split as `Dataset.split` (stratified per class, or iterative
            // stratification for label matrices), so the CLI and the trainer agree.
            let (trainIdx, valIdx) = try Dataset.splitIndices(
                targets: targets, classCount: outputs, validationFraction: f, seed: config.seed)
            valX = features.gatherRows(valIdx)
            valY = targets.gatherRows(valIdx)
            trainX = features.gatherRows(trainIdx)
            trainY = targets.gatherRows(trainIdx)
            valMask = mask?.gatherRows(valIdx)
            trainMask = mask?.gatherRows(trainIdx)
        case .given(let vx, let vy):
            try TrainingDataCheck.checkFeatures(vx, expectedColumns: model.inputCount, what: "validation features")
            try TrainingDataCheck.checkTargets(vy, rows: vx.rows, outputs: outputs, what: "validation targets")
            valX = .dense(vx)
            valY = vy
        case .givenFeatures(let vx, let vy):
            try TrainingDataCheck.checkFeatures(vx, expectedColumns: model.inputCount, what: "validation features")
            try TrainingDataCheck.checkTargets(vy, rows: vx.rows, outputs: outputs, what: "validation targets")
            valX = vx
            valY = vy
        }
        let n = trainX.rows
        guard n > 0 else { throw LogitsError.invalidValue("no training rows") }

        let optimizer = try config.optimizer.makeOptimizer()
        let parameters = model.parameters
        let batchSize = min(config.batchSize, n)
        let batches = (n + batchSize - 1) / batchSize
        let totalSteps = batches * config.epochs
        var rng = SeededGenerator(seed: config.seed)
        var order = Array(0..<n)

        // Preallocated batch buffers and workspaces (sized for the largest batch).
        var batchX = Matrix(rows: 0, cols: model.inputCount)
        var sparseBatchX = SparseMatrix(cols: model.inputCount)
        switch trainX {
        case .dense: batchX.reserveCapacity(rows: batchSize, cols: model.inputCount)
        case .sparse(let s): sparseBatchX.reserveCapacity(rows: batchSize, nonZeros: s.largestNonZeros(rowsTogether: batchSize))
        }
        var batchLabels: [Int] = []
        var batchTargetMatrix = Matrix(rows: 0, cols: outputs)
        var batchMask = Matrix(rows: 0, cols: outputs)
        if trainMask != nil { batchMask.reserveCapacity(rows: batchSize, cols: outputs) }
        switch trainY {
        case .classIndices: batchLabels.reserveCapacity(batchSize)
        case .matrix: batchTargetMatrix.reserveCapacity(rows: batchSize, cols: outputs)
        }
        model.workspace.prepare(for: model, batch: batchSize, withGradients: true)
        var valWorkspace = ModelWorkspace()
        var valGradient = Matrix(rows: 0, cols: 0)
        // Data-parallel run (nil: this process alone); see `DistributedContext`.
        let denseValidation: Matrix?
        if case .dense(let m)? = valX { denseValidation = m } else { denseValidation = nil }
        let parallel = try config.distributed.map {
            try DataParallelRun(context: $0, model: model, config: config, validation: denseValidation)
        }

        // On sparse input the first layer trains on Wᵀ (`in x out`: each stored value of a batch
        // touches one contiguous weight row) and is given back in PyTorch's layout, however the
        // fit ends. The snapshots below are taken and restored in the training layout.
        let sparseFirstLayer = trainX.isSparse ? model.firstDense : nil
        sparseFirstLayer?.setWeightLayout(.inputsByOutputs)
        defer { sparseFirstLayer?.setWeightLayout(.outputsByInputs) }

        // Weights to fall back on (the initial ones until an epoch improves); a deep copy, so the
        // optimizer's in-place updates never trigger copy-on-write.
        var best = model.parameters.map { p in
            var m = Matrix(rows: p.value.rows, cols: p.value.cols)
            m.storage.withUnsafeMutableBufferPointer { d in
                p.value.withUnsafeBufferPointer { s in
                    if let da = d.baseAddress, let sa = s.baseAddress { da.update(from: sa, count: s.count) }
                }
            }
            return m
        }
        var bestScore: Double?
        var bestEpoch = 0
        var sinceBest = 0
        var history: [EpochRecord] = []
        var stoppedEarly = false
        let runStart = DispatchTime.now().uptimeNanoseconds
        var clock = StepClock()  // profile (TrainingProfile); inert unless profiling is on
        defer { clock.finish(since: runStart) }
        var step = 0
        var lr = config.learningRate

        for epoch in 0..<config.epochs {
            rng.shuffle(&order)
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0
            var seen = 0
            for b in 0..<batches {
                let lo = b * batchSize, hi = min(n, lo + batchSize)
                let idx = order[parallel?.shard(lo..<hi) ?? lo..<hi]
                var loss: Float = 0
                clock.restart()
                if !idx.isEmpty {  // only a data-parallel rank can get no rows of a batch
                    let batchInput: FeatureMatrix
                    switch trainX {
                    case .dense(let x):
                        x.gatherRows(idx, into: &batchX)
                        batchInput = .dense(batchX)
                    case .sparse(let x):
                        x.gatherRows(idx, into: &sparseBatchX)
                        batchInput = .sparse(sparseBatchX)
                    }
                    let batchTargets: Targets
                    switch trainY {
                    case .classIndices(let y):
                        batchLabels.removeAll(keepingCapacity: true)
                        for i in idx { batchLabels.append(y[i]) }
                        batchTargets = .classIndices(batchLabels)
                    case .matrix(let y):
                        y.gatherRows(idx, into: &batchTargetMatrix)
                        batchTargets = .matrix(batchTargetMatrix)
                    }
                    clock.mark(.data)
                    try model.forwardTraining(batchInput, inputShift: config.sparseInputShift)
                    clock.mark(gemm: .gemmForward, rest: .forwardOther)
                    let last = model.workspace.outputs.count - 1
                    let logits = model.workspace.outputs[last]
                    if let trainMask, let maskedLoss {
                        trainMask.gatherRows(idx, into: &batchMask)
                        loss = try maskedLoss.lossAndGradient(
                            logits: logits, targets: batchTargets, mask: batchMask, gradient: &model.workspace.gradients[last])
                    } else {
                        loss = try config.loss.lossAndGradient(
                            logits: logits, targets: batchTargets, gradient: &model.workspace.gradients[last])
                    }
                    guard parallel != nil || loss.isFinite else {
                        model.restore(best)
                        throw Trainer.nonFinite(loss, epoch: epoch, batch: b, of: batches, learningRate: lr, bestEpoch: bestEpoch)
                    }
                    clock.mark(.loss)
                    try model.backward(input: batchInput, inputShift: config.sparseInputShift)
                    clock.mark(gemm: .gemmBackward, rest: .backwardOther)
                }
                if let parallel {  // the global batch's gradient and mean loss, on every rank
                    loss = try parallel.allReduceGradients(parameters, localLoss: loss, localRows: idx.count, globalRows: hi - lo)
                    guard loss.isFinite else {
                        model.restore(best)
                        throw Trainer.nonFinite(loss, epoch: epoch, batch: b, of: batches, learningRate: lr, bestEpoch: bestEpoch)
                    }
                }
                clock.restart()
                if let c = config.clipNorm { GradientClipping.clipGlobalNorm(parameters, maxNorm: c) }
                lr = config.schedule.learningRate(base: config.learningRate, step: step, epoch: epoch, totalSteps: totalSteps)
                optimizer.step(parameters, learningRate: lr)
                clock.mark(.optimizer)
                step += 1
                lossSum += Double(loss) * Double(hi - lo)
                seen += hi - lo
                if config.reportBatches, let onEvent {
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
                    onEvent(.batch(epoch: epoch + 1, batch: b + 1, batches: batches, loss: Double(loss),
                                   samplesPerSecond: elapsed > 0 ? Double(seen) / elapsed : 0))
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            var record = EpochRecord(
                epoch: epoch + 1, trainLoss: lossSum / Double(max(1, seen)), validationLoss: nil, metric: nil,
                seconds: seconds, samplesPerSecond: seconds > 0 ? Double(seen) / seconds : 0,
                improved: false, learningRate: lr)

            if let vx = valX, let vy = valY {
                let vLogits: Matrix
                if let parallel {
                    vLogits = try parallel.gatherValidationLogits(model, workspace: &valWorkspace)
                } else {
                    try model.forward(vx, inputShift: config.sparseInputShift, workspace: &valWorkspace, training: false)
                    vLogits = valWorkspace.outputs[valWorkspace.outputs.count - 1]
                }
                let vLoss: Double
                if let valMask, let maskedLoss {
                    vLoss = Double(try maskedLoss.lossAndGradient(logits: vLogits, targets: vy, mask: valMask, gradient: &valGradient))
                } else {
                    vLoss = Double(try config.loss.lossAndGradient(logits: vLogits, targets: vy, gradient: &valGradient))
                }
                record.validationLoss = vLoss
                let score: Double
                switch config.monitor {
                case .validationLoss: score = vLoss
                case .metric(_, _, let compute): score = try compute(vLogits, vy)
                }
                record.metric = score
                var better: Bool
                if !score.isFinite {
                    better = false
                } else if let bs = bestScore {
                    better = config.monitor.mode == .min ? score < bs - config.minDelta : score > bs + config.minDelta
                } else {
                    better = true
                }
                if let parallel { better = try parallel.decide(better) }  // rank 0 decides
                if better {
                    bestScore = score
                    bestEpoch = epoch + 1
                    sinceBest = 0
                    Trainer.copy(parameters, into: &best)
                } else {
                    sinceBest += 1
                }
                record.improved = better
            } else {
                bestEpoch = epoch + 1
                record.improved = true
                Trainer.copy(parameters, into: &best)
            }
            history.append(record)
            onEvent?(.epoch(record))
            if let patience = config.patience, valX != nil, epoch + 1 < config.epochs,
               try parallel?.decide(sinceBest >= patience) ?? (sinceBest >= patience) {
                stoppedEarly = true
                break
            }
            if config.stopRequested?() == true, epoch + 1 < config.epochs {
                stoppedEarly = true
                break
            }
        }
        if valX != nil && config.restoreBestWeights && bestEpoch > 0 {
            model.restore(best)
        } else {
            bestEpoch = history.count
        }
        return TrainingResult(
            history: history, bestEpoch: bestEpoch, bestMetric: bestScore, stoppedEarly: stoppedEarly,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9,
            trainingRows: n, validationRows: valX?.rows ?? 0, refitHistory: nil)
    }

    /// The error for a NaN / infinite training loss (`epoch`, `batch` zero-based).
    static func nonFinite(_ loss: Float, epoch: Int, batch: Int, of batches: Int, learningRate lr: Float, bestEpoch: Int) -> LogitsError {
        LogitsError.nonFinite(
            "training loss is \(loss) at epoch \(epoch + 1), batch \(batch + 1) of \(batches) (learning rate \(lr)); "
            + (bestEpoch > 0 ? "the model holds the best weights so far (epoch \(bestEpoch))"
                             : "the model holds the weights it had before training"))
    }

    /// Copies the parameter values into same-shaped buffers (no allocation).
    static func copy(_ parameters: [Parameter], into buffers: inout [Matrix]) {
        for (k, p) in parameters.enumerated() {
            buffers[k].withUnsafeMutableBufferPointer { d in
                p.value.withUnsafeBufferPointer { s in
                    if let da = d.baseAddress, let sa = s.baseAddress { da.update(from: sa, count: min(d.count, s.count)) }
                }
            }
        }
    }
}

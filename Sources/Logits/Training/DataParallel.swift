/// The collective operations a data-parallel training run needs, implemented by a communication
/// layer outside this library (`LogitsDistributed` implements it on MPI; tests use an in-process
/// fake). Every rank of a job runs the same `Trainer.fit` with the same data, seeds and options and
/// a context whose `rank` is its own; every rank must call the operations in the same order.
///
/// Set `TrainerConfig.distributed` to train data-parallel (DDP / Horovod style): every rank holds
/// the full model and the full (identically shuffled) data, and per global batch of `B` rows:
///
/// 1. rank `r` of `N` takes the contiguous slice of the batch rows
///    `[lo + ⌊B·r/N⌋, lo + ⌊B·(r+1)/N⌋)` (`b_r` rows, possibly 0), runs forward, loss and backward on
///    it, and scales its mean-loss gradient by `b_r / B`;
/// 2. all parameter gradients and the slice's loss sum `b_r · loss_r` go into one preallocated,
///    fused `Float` buffer (state-dict order, loss last) that is sum-allreduced once:
///    `g = Σ_r (b_r / B) · ∇ loss_r = ∇ (1/B) Σ_rows loss_row`, the gradient of the global batch;
/// 3. the buffer is unpacked into the gradients, and clipping and the optimizer step run
///    identically on every rank, so the weights stay identical (floating-point summation order is
///    the only difference from a one-process run with the same batch size).
///
/// The training loss of a batch is the reduced loss sum over `B`, checked for NaN / infinity on
/// every rank alike. Validation rows are partitioned the same way (contiguous blocks); each rank
/// computes the logits of its block, the blocks are gathered by a sum-allreduce into a zeroed
/// `V x C` matrix (exact: every element has one non-zero contribution), and every rank evaluates
/// the loss and the metric on all `V` rows. Whether an epoch improved, and whether to stop early,
/// is decided on rank 0 and broadcast.
///
/// Dropout: with `N > 1`, rank `r` reseeds every `Dropout` layer of the model, in order, from
/// `SeededGenerator(seed: DataParallel.dropoutSeed(config.seed, rank: r))`, so the ranks draw
/// independent masks and a run is reproducible for a given `(seed, N)`. With `N = 1` the model's
/// own dropout generators are kept (identical to a run without a context).
///
/// Requirements: the loss must be a mean over the batch rows with the rows weighted equally
/// (`Reduction.mean` without class weights, as every `LossKind` default is); `fit` rejects a
/// `.sum` / `.none` reduction or class weights.
public protocol DistributedContext: AnyObject, Sendable {
    /// This process's rank, `0 ..< size`.
    var rank: Int { get }
    /// Number of ranks `N >= 1`.
    var size: Int { get }
    /// In place: every rank's `buffer` becomes the element-wise sum over all ranks (all ranks pass
    /// the same count). Every rank must end with the same bits.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    /// In place sum over all ranks of a few `Double`s (counters, loss or metric sums, checksums).
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws
    /// Returns `root`'s `value` on every rank.
    func broadcast(_ value: Bool, from root: Int) throws -> Bool
}

/// Helpers of the data-parallel training path (see `DistributedContext`).
public enum DataParallel {
    /// The rows of `batch` that rank `rank` of `size` computes: `[lo + ⌊B·r/N⌋, lo + ⌊B·(r+1)/N⌋)`
    /// with `B = batch.count`; contiguous, disjoint, covering the batch, sizes differing by at most 1.
    public static func shard(_ batch: Range<Int>, rank: Int, size: Int) -> Range<Int> {
        let count = batch.count
        return (batch.lowerBound + count * rank / size)..<(batch.lowerBound + count * (rank + 1) / size)
    }

    /// The seed of rank `rank`'s dropout generators: a SplitMix-style mix of `(seed, rank)`.
    public static func dropoutSeed(_ seed: UInt64, rank: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (UInt64(truncatingIfNeeded: rank) &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Per-`fit` state of the data-parallel path: the fused gradient buffer, this rank's validation
/// block and the gathered validation logits. Everything is allocated once, in `init`.
final class DataParallelRun {
    let context: any DistributedContext
    let rank: Int
    let size: Int
    /// All parameter gradients (state-dict order), then the batch loss sum.
    private var fused: [Float]
    /// This rank's block of the validation rows and the gathered `V x C` validation logits.
    private let validationRows: Range<Int>
    private let validationBlock: Matrix
    private var validationLogits: Matrix

    init(context: any DistributedContext, model: MLP, config: TrainerConfig, validation: Matrix?) throws {
        self.context = context
        rank = context.rank
        size = context.size
        guard size >= 1, rank >= 0, rank < size else {
            throw LogitsError.invalidValue("distributed context: rank \(rank) is not in 0..<\(size)")
        }
        if let loss = config.loss as? any LossFunction, loss.reduction != .mean {
            throw LogitsError.invalidValue("data-parallel training needs a mean-reduced loss, got reduction '\(loss.reduction.rawValue)'")
        }
        if Self.hasClassWeights(config.loss) {
            throw LogitsError.invalidValue("data-parallel training does not support class weights (the weighted mean's denominator is per batch)")
        }
        fused = [Float](repeating: 0, count: model.parameterCount + 1)
        let v = validation?.rows ?? 0
        let block = DataParallel.shard(0..<v, rank: context.rank, size: context.size)
        validationRows = block
        validationBlock = validation.map { $0.gatherRows(Array(block)) } ?? Matrix(rows: 0, cols: 0)
        validationLogits = Matrix(rows: v, cols: model.outputCount)
        if size > 1 {
            var rng = SeededGenerator(seed: DataParallel.dropoutSeed(config.seed, rank: rank))
            for case let dropout as Dropout in model.stages { dropout.reseed(rng.next()) }
        }
    }

    private static func hasClassWeights(_ loss: any TrainingLoss) -> Bool {
        switch loss {
        case let l as SoftmaxCrossEntropy: return l.weight != nil
        case let l as SigmoidBinaryCrossEntropy: return l.weight != nil
        case let l as MultiLabelSoftMargin: return l.weight != nil
        case let l as NegativeLogLikelihood: return l.weight != nil
        case let l as BinaryCrossEntropy: return l.weight != nil
        default: return false
        }
    }

    /// This rank's rows of the global batch `batch`.
    func shard(_ batch: Range<Int>) -> Range<Int> { DataParallel.shard(batch, rank: rank, size: size) }

    /// Packs `(localRows / globalRows) · gradient` of every parameter (zeros when `localRows == 0`)
    /// and `localRows · localLoss` into the fused buffer, sum-allreduces it and unpacks the global
    /// gradient. Returns the global batch's mean loss. Allocates nothing.
    func allReduceGradients(_ parameters: [Parameter], localLoss: Float, localRows: Int, globalRows: Int) throws -> Float {
        let scale = Float(localRows) / Float(globalRows)
        try fused.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }  // never empty: the loss slot
            var offset = 0
            for p in parameters {
                p.gradient.withUnsafeBufferPointer { g in
                    let count = g.count
                    if localRows == 0 {
                        (base + offset).update(repeating: 0, count: count)
                    } else {
                        for i in 0..<count { base[offset + i] = g[i] * scale }
                    }
                    offset += count
                }
            }
            base[offset] = localRows == 0 ? 0 : localLoss * Float(localRows)
            try context.allReduceSum(buffer)
            offset = 0
            for p in parameters {
                p.gradient.withUnsafeMutableBufferPointer { g in
                    guard let ga = g.baseAddress else { return }
                    ga.update(from: base + offset, count: g.count)
                    offset += g.count
                }
            }
        }
        return fused[fused.count - 1] / Float(globalRows)
    }

    /// The `V x C` evaluation-mode logits of all validation rows: this rank's block computed here,
    /// the others gathered by a sum-allreduce (every rank gets the same matrix).
    func gatherValidationLogits(_ model: MLP, workspace: inout ModelWorkspace) throws -> Matrix {
        validationLogits.fill(0)
        if validationBlock.rows > 0 {
            try model.forward(validationBlock, workspace: &workspace, training: false)
            let block = workspace.outputs[workspace.outputs.count - 1]
            let start = validationRows.lowerBound * validationLogits.cols
            validationLogits.withUnsafeMutableBufferPointer { d in
                block.withUnsafeBufferPointer { s in
                    if let da = d.baseAddress, let sa = s.baseAddress { (da + start).update(from: sa, count: s.count) }
                }
            }
        }
        try validationLogits.withUnsafeMutableBufferPointer { try context.allReduceSum($0) }
        return validationLogits
    }

    /// Rank 0's `decision`, on every rank.
    func decide(_ decision: Bool) throws -> Bool {
        try context.broadcast(decision, from: 0)
    }
}

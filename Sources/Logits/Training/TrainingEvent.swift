/// One epoch's summary, as reported and kept in the history.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (weighted by batch size; dropout active).
    public var trainLoss: Double
    /// Loss on the validation set after the epoch, if there is one.
    public var validationLoss: Double?
    /// The monitored metric (a custom metric, or the validation loss), if there is a validation set.
    public var metric: Double?
    /// Wall time of the epoch's training batches.
    public var seconds: Double
    /// Training rows per second in this epoch.
    public var samplesPerSecond: Double
    /// Whether the monitored value improved on the best so far.
    public var improved: Bool
    /// Learning rate of the epoch's last step.
    public var learningRate: Float
}

/// Progress of a training run, delivered synchronously on the training thread.
public enum TrainingEvent: Sendable, Equatable {
    /// After each mini-batch: 1-based epoch and batch, batches per epoch, the batch loss, and the
    /// epoch's running throughput.
    case batch(epoch: Int, batch: Int, batches: Int, loss: Double, samplesPerSecond: Double)
    /// After each epoch (and its validation).
    case epoch(EpochRecord)
    /// Early stopping is over and the refit on all `rows` rows for `epochs` epochs begins
    /// (`TrainingRecipe`, after early stopping); its epochs follow as `.batch` / `.epoch` events.
    case refit(epochs: Int, rows: Int)
}

/// The outcome of `Trainer.fit`.
public struct TrainingResult: Sendable, Equatable, Codable {
    /// Per-epoch records, in order (for curves).
    public var history: [EpochRecord]
    /// 1-based epoch whose weights the model holds at the end (the best validation epoch when
    /// restoring, else the last).
    public var bestEpoch: Int
    /// Monitored value at `bestEpoch` (nil without validation).
    public var bestMetric: Double?
    /// Whether patience ran out before `epochs`.
    public var stoppedEarly: Bool
    /// Total training time (batches and validation).
    public var seconds: Double
    /// Rows used for training / for validation.
    public var trainingRows: Int
    public var validationRows: Int
    /// The epochs of the refit on all rows (`TrainingRecipe`, after early stopping), else nil. They are
    /// reported as `.epoch` events (after a `.refit` event) but are not part of `history`.
    public var refitHistory: [EpochRecord]?

    /// Number of refit epochs, or nil without a refit.
    public var refitEpochs: Int? { refitHistory?.count }
}

extension TrainingEvent {
    /// A stream of training events and the callback that feeds it, for consumers that prefer
    /// `for await` (e.g. a UI task) over the synchronous `onEvent` callback:
    ///
    ///     let (events, continuation) = TrainingEvent.stream()
    ///     // consumer: Task { for await e in events { ... } }
    ///     try trainer.fit(model, features: x, targets: y) { continuation.yield($0) }
    ///     continuation.finish()
    ///
    /// Buffering keeps the newest `bufferingNewest` events when the consumer falls behind, so a slow
    /// consumer never blocks training.
    public static func stream(bufferingNewest: Int = 1024)
        -> (events: AsyncStream<TrainingEvent>, continuation: AsyncStream<TrainingEvent>.Continuation) {
        let (s, c) = AsyncStream.makeStream(of: TrainingEvent.self, bufferingPolicy: .bufferingNewest(bufferingNewest))
        return (s, c)
    }
}

import Foundation

/// The training record saved next to a model (`NAME.history.json`): per-epoch values, the refit,
/// the settings used and model selection's candidates. Read back by `logits curves`.
public struct TrainingHistory: Codable, Sendable {
    /// What early stopping watched (`val_loss`, `val_lrap`, ...).
    public var monitor: String
    /// The early-stopping run of the chosen settings.
    public var result: TrainingResult
    /// The epochs of the refit on all rows, if any (no validation values).
    public var refit: [EpochRecord]?
    /// The run's description lines (data, model, optimizer), as printed.
    public var hyperparameters: [String]
    /// Every setting used.
    public var plan: TrainingPlan?
    /// Model selection's candidates and their validation values.
    public var selection: [TrainedClassifier.CandidateScore]?
    /// The constant baseline on the validation rows.
    public var baseline: BaselineComparison?

    public init(monitor: String, result: TrainingResult, refit: [EpochRecord]?, hyperparameters: [String],
                plan: TrainingPlan? = nil, selection: [TrainedClassifier.CandidateScore]? = nil,
                baseline: BaselineComparison? = nil) {
        self.monitor = monitor
        self.result = result
        self.refit = refit
        self.hyperparameters = hyperparameters
        self.plan = plan
        self.selection = selection
        self.baseline = baseline
    }

    /// `model.safetensors` → `model.history.json`.
    public static func url(forModel model: URL) -> URL {
        let base = model.pathExtension == "safetensors" ? model.deletingPathExtension() : model
        return base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + ".history.json")
    }

    /// Writes the history as pretty JSON, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write([UInt8](try encoder.encode(self)), to: url)
    }

    /// Reads a history written by `write(to:)`.
    /// - Throws: `LogitsError.invalidValue` naming the file when it cannot be read or decoded.
    public static func read(from url: URL) throws -> TrainingHistory {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LogitsError.invalidValue("cannot read the training history '\(url.path)': \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(TrainingHistory.self, from: data) } catch {
            throw LogitsError.invalidValue("the training history '\(url.path)' is not valid: \(error)")
        }
    }
}

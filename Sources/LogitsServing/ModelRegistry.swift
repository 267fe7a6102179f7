import Foundation
import Logits

/// One model as served: its name, the classifier loaded from `path`, and the reload generation.
public struct ServedModel: Sendable {
    /// The name in the URL (`/v2/models/{name}`).
    public let name: String
    /// The file it was read from (set on the command line, never by a request).
    public let path: String
    /// The immutable classifier; a reload replaces it, requests holding it finish on it.
    public let classifier: Classifier
    /// 1 for the first load, +1 per reload.
    public let generation: Int
}

/// The models the server serves, each with its batch queue; reloaded atomically.
///
/// The set of names and paths is fixed when the server starts (`--model NAME=PATH`); nothing in a
/// request can name a file. `reload()` reads every file first and swaps them all in at once
/// only if every one loaded, so a bad file leaves all models as they were.
public final class ModelRegistry: Sendable {
    /// A configured model: its name and file.
    public struct Source: Sendable, Equatable {
        public var name: String
        public var path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// The configured models, in command-line order.
    public let sources: [Source]
    private let queues: [String: BatchQueue]
    private let loaded = Locked<[String: ServedModel]?>(nil)

    /// - Parameter makeQueue: builds the batch queue of each model name.
    public init(sources: [Source], makeQueue: (String) -> BatchQueue) {
        self.sources = sources
        var queues: [String: BatchQueue] = [:]
        for source in sources where queues[source.name] == nil { queues[source.name] = makeQueue(source.name) }
        self.queues = queues
    }

    /// The configured model names, in order.
    public var names: [String] { sources.map(\.name) }

    /// Whether every model has been loaded (readiness).
    public var isReady: Bool { loaded.withLock { $0 != nil } }

    /// The current model `name` and its queue; `nil` model while not loaded yet, `nil` result for an
    /// unknown name.
    public func lookup(_ name: String) -> (model: ServedModel?, queue: BatchQueue)? {
        guard let queue = queues[name] else { return nil }
        return (loaded.withLock { $0?[name] }, queue)
    }

    /// Reads every model file and swaps them all in at once.
    /// - Returns: the new generation number.
    /// - Throws: the first file's error; then nothing is replaced.
    @discardableResult
    public func reload() throws -> Int {
        var next: [String: ServedModel] = [:]
        let generation = (loaded.withLock { $0?.values.first?.generation } ?? 0) + 1
        for source in sources {
            let classifier = try Classifier.read(from: URL(fileURLWithPath: source.path))
            next[source.name] = ServedModel(name: source.name, path: source.path, classifier: classifier, generation: generation)
        }
        loaded.withLock { $0 = next }
        return generation
    }

    /// Reloads on a dedicated thread (file reading blocks), off Swift's cooperative pool.
    public func reloadInBackground() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [self] in
                do { continuation.resume(returning: try self.reload()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "logits-model-load"
            thread.start()
        }
    }

    /// Stops every batch queue after the requests already queued have run.
    public func shutdownQueues() {
        for queue in queues.values { queue.shutdown() }
    }
}

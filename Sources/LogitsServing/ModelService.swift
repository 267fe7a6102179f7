import Logging
import ServiceLifecycle
import UnixSignals

/// The service that owns the models' life: the first load (after which the server is ready),
/// a reload on every SIGHUP, and, at shutdown, draining the batch queues.
///
/// It runs alongside the HTTP server in one `ServiceGroup`. Listed before the server, it is shut
/// down after it, so every request the server drains still finds its queue running.
public struct ModelService: Service {
    public let models: ModelRegistry
    public let logger: Logger
    /// Wait before the first load (readiness probes can be tested; staggered start-ups).
    public let loadDelay: Duration
    /// Whether SIGHUP reloads (only one process-wide handler should).
    public let reloadOnHangup: Bool

    public init(models: ModelRegistry, logger: Logger, loadDelay: Duration = .zero, reloadOnHangup: Bool = true) {
        self.models = models
        self.logger = logger
        self.loadDelay = loadDelay
        self.reloadOnHangup = reloadOnHangup
    }

    /// Loads the models, then reloads them on SIGHUP until the group shuts down.
    /// - Throws: the first load's error (the server cannot become ready without its models).
    public func run() async throws {
        defer { models.shutdownQueues() }
        let hangups = reloadOnHangup ? await UnixSignalsSequence(trapping: .sighup) : nil
        if loadDelay > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: loadDelay) } }
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        let generation = try await models.reloadInBackground()
        logger.info("models loaded", metadata: ["models": "\(models.names.joined(separator: ","))", "generation": "\(generation)"])
        guard let hangups else {
            try? await gracefulShutdown()
            return
        }
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                let generation = try await models.reloadInBackground()
                logger.info("models reloaded on SIGHUP", metadata: ["generation": "\(generation)"])
            } catch {
                logger.error("reload failed, still serving the previous models: \(error)")
            }
        }
    }
}

import Hummingbird
import Logging
import Logits

/// Answers an unknown path (and any error a route did not turn into a response) as
/// `{"error": "..."}`, counted in the metrics.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public let metrics: ServingMetrics
    public init(metrics: ServingMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var failure = ServingError.from(error)
            if failure.status == .notFound, error is HTTPError {
                failure.message = "no route \(request.method) \(clip(request.uri.path))"
            }
            metrics.request(model: "", status: failure.status.code, duration: nil)
            return failure.response
        }
    }
}

/// Everything a `logits-server` process runs: the router with the inference routes, the model
/// service and the settings of the HTTP server.
public struct ServingApplication: Sendable {
    /// Server settings.
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var maxBatchRows = 64
        public var maxDelayMicroseconds = 500
        public var serving = ServingConfiguration()
        public var loadDelay: Duration = .zero
        public init() {}
    }

    public let models: ModelRegistry
    public let metrics: ServingMetrics
    public let options: Options

    /// Sets up the registry (one batch queue per model, reporting to `metrics`).
    public init(sources: [ModelRegistry.Source], options: Options, metrics: ServingMetrics = ServingMetrics()) {
        self.metrics = metrics
        self.options = options
        self.models = ModelRegistry(sources: sources) { name in
            BatchQueue(maxBatchRows: options.maxBatchRows, maxDelayMicroseconds: options.maxDelayMicroseconds, name: name,
                       observer: .init(batch: { metrics.batch(model: name, rows: $0) },
                                       queueDepth: { metrics.queueDepth(model: name, requests: $0) }))
        }
    }

    /// A router with the error middleware and the inference routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(metrics: metrics))
        InferenceRoutes(models: models, metrics: metrics, configuration: options.serving).add(to: router)
        return router
    }

    /// The Hummingbird application: HTTP/1.1 on `host:port`, with the model service.
    /// - Parameters:
    ///   - reloadOnHangup: whether SIGHUP reloads (off for in-process tests).
    ///   - onServerRunning: called with the bound port once the server listens.
    public func application(logger: Logger, reloadOnHangup: Bool = true,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "logits-server"),
            services: [ModelService(models: models, logger: logger, loadDelay: options.loadDelay, reloadOnHangup: reloadOnHangup)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? -1) },
            logger: logger
        )
    }
}

import Hummingbird
import Logits

/// The Open Inference Protocol (KServe v2) routes, to mount on any Hummingbird router:
///
/// | method | path | answer |
/// | --- | --- | --- |
/// | GET | `/v2/health/live` | 200 while the process runs |
/// | GET | `/v2/health/ready` | 200 once every model is loaded, 503 before |
/// | GET | `/v2` | server metadata |
/// | GET | `/v2/models/{name}` | model metadata: inputs, outputs, task, labels, features |
/// | GET | `/v2/models/{name}/ready` | 200 / 503; 404 for an unknown model |
/// | POST | `/v2/models/{name}/infer` | `logits`, `probabilities`, `labels` |
/// | GET | `/metrics` | Prometheus text |
///
/// Any other method on these paths gets 405 (with `Allow`). Every error body is
/// `{"error": "..."}`.
public struct InferenceRoutes: Sendable {
    public let models: ModelRegistry
    public let metrics: ServingMetrics
    public let configuration: ServingConfiguration

    public init(models: ModelRegistry, metrics: ServingMetrics, configuration: ServingConfiguration = ServingConfiguration()) {
        self.models = models
        self.metrics = metrics
        self.configuration = configuration
    }

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .head, .options]

    /// Adds the routes (and 405 answers for other methods) to `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        route(router, "/v2/health/live", .get) { _, _ in jsonResponse("{\"live\":true}") }
        route(router, "/v2/health/ready", .get) { _, _ in
            models.isReady ? jsonResponse("{\"ready\":true}") : ServingError(.serviceUnavailable, "models are still loading").response
        }
        route(router, "/v2", .get, protected: true) { _, _ in try serverMetadata() }
        route(router, "/v2/models/{name}", .get, protected: true) { _, context in
            try modelMetadata(try modelName(context))
        }
        route(router, "/v2/models/{name}/ready", .get) { _, context in
            let name = try modelName(context)
            guard let (model, _) = models.lookup(name) else { throw unknownModel(name) }
            guard model != nil else { return ServingError(.serviceUnavailable, "model '\(name)' is still loading").response }
            return jsonResponse("{\"name\":\(JSONText.string(name)),\"ready\":true}")
        }
        route(router, "/v2/models/{name}/infer", .post, protected: true, timed: true) { request, context in
            try await infer(request, name: try modelName(context))
        }
        route(router, "/metrics", .get) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }

    /// Registers `handler` for `method` at `path`, and 405 for every other method. Errors become
    /// `{"error"}` responses; every answer is counted in the metrics.
    private func route<Context: RequestContext>(
        _ router: Router<Context>, _ path: RouterPath, _ method: HTTPRequest.Method,
        protected: Bool = false, timed: Bool = false,
        _ handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        router.on(path, method: method) { request, context in
            let start = ContinuousClock.now
            let modelLabel = context.parameters.get("name").flatMap { models.lookup($0) == nil ? nil : $0 } ?? ""
            let response: Response
            do {
                if protected { try authorize(request) }
                response = try await handler(request, context)
            } catch {
                response = ServingError.from(error).response
            }
            metrics.request(model: modelLabel, status: response.status.code,
                            duration: timed ? ContinuousClock.now - start : nil)
            return response
        }
        for other in Self.methods where other != method {
            router.on(path, method: other) { request, context in
                let modelLabel = context.parameters.get("name").flatMap { models.lookup($0) == nil ? nil : $0 } ?? ""
                var response = ServingError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path) (use \(method))").response
                response.headers[.allow] = method.rawValue
                metrics.request(model: modelLabel, status: response.status.code, duration: nil)
                return response
            }
        }
    }

    private func authorize(_ request: Request) throws {
        guard let token = configuration.bearerToken else { return }
        let given = request.headers[.authorization] ?? ""
        let expected = "Bearer " + token
        // Compare every byte whatever the first difference (no timing hint about the token).
        let a = Array(given.utf8), b = Array(expected.utf8)
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for k in 0..<b.count { diff |= (k < a.count ? a[k] : 0) ^ b[k] }
        guard diff == 0 else { throw ServingError(.unauthorized, "missing or wrong bearer token (Authorization: Bearer ...)") }
    }

    private func modelName<Context: RequestContext>(_ context: Context) throws -> String {
        guard let name = context.parameters.get("name") else { throw ServingError.badRequest("no model name in the path") }
        return name
    }

    private func unknownModel(_ name: String) -> ServingError {
        ServingError(.notFound, "unknown model '\(clip(name))' (served: \(models.names.joined(separator: ", ")))")
    }

    /// The current model `name`, or 404 / 503.
    private func current(_ name: String) throws -> (ServedModel, BatchQueue) {
        guard let (model, queue) = models.lookup(name) else { throw unknownModel(name) }
        guard let model else { throw ServingError(.serviceUnavailable, "model '\(name)' is still loading") }
        return (model, queue)
    }

    private func infer(_ request: Request, name: String) async throws -> Response {
        let (model, queue) = try current(name)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw ServingError(.contentTooLarge, "the request body has \(length) bytes, the server's limit (--max-body) is \(configuration.maxBodyBytes)")
        }
        let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let body = Array(buffer.readableBytesView)
        var jsonLength: Int?
        if let header = request.headers.first(where: { $0.name.canonicalName == "inference-header-content-length" })?.value {
            guard let n = Int(header) else { throw ServingError.badRequest("Inference-Header-Content-Length must be an integer") }
            jsonLength = n
        }
        let decoded = try InferenceRequest(body: body, jsonLength: jsonLength, classifier: model.classifier)
        let logits = try await queue.logits(of: decoded.features, with: model.classifier)
        return jsonResponse(try InferenceResponse.json(model: model, id: decoded.id, logits: logits, outputs: decoded.outputs))
    }

    private func serverMetadata() throws -> Response {
        let extensions = ["model_repository_metadata", "binary_tensor_data"].map(JSONText.string).joined(separator: ",")
        return jsonResponse("{\"name\":\"logits-server\",\"version\":\(JSONText.string(LogitsLibrary.version)),\"extensions\":[\(extensions)],\"models\":[\(models.names.map(JSONText.string).joined(separator: ","))]}")
    }

    private func modelMetadata(_ name: String) throws -> Response {
        let (model, _) = try current(name)
        let c = model.classifier
        let d = c.inputCount, k = c.outputCount
        let task: String
        switch c.task {
        case .multiClass: task = "multi-class"
        default: task = "multi-label"
        }
        func list(_ xs: [String]) -> String { "[" + xs.map(JSONText.string).joined(separator: ",") + "]" }
        var json = "{\"name\":\(JSONText.string(name)),\"versions\":[\"\(model.generation)\"],\"platform\":\"logits\""
        json += ",\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,\(d)]}]"
        json += ",\"outputs\":[{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[-1,\(k)]}"
        json += ",{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,\(k)]}"
        json += ",{\"name\":\"labels\",\"datatype\":\"BYTES\",\"shape\":[-1]}]"
        json += ",\"task\":\"\(task)\",\"labels\":\(list(c.labelNames)),\"features\":\(list(c.featureNames))"
        if !c.isMultiClass {
            json += ",\"logit_thresholds\":[" + c.logitThresholds.map { "\($0)" }.joined(separator: ",") + "]"
        }
        json += "}"
        return jsonResponse(json)
    }
}

import Prometheus

/// The server's Prometheus metrics (`GET /metrics`):
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `logits_requests_total` | counter | `model` (a served model, or empty for other endpoints and unknown names), `status` |
/// | `logits_request_duration_seconds` | histogram | `model` (inference requests only) |
/// | `logits_batch_rows` | histogram | `model`: rows per forward pass |
/// | `logits_queue_depth` | gauge | `model`: requests waiting for a batch |
///
/// Label values come only from the configured model names and HTTP status codes, so hostile
/// traffic cannot grow the number of series.
public final class ServingMetrics: Sendable {
    /// The registry `GET /metrics` renders (give it to `PrometheusMetricsFactory` to add
    /// swift-metrics series from other libraries).
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
    ]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts one answered request.
    public func request(model: String, status: Int, duration: Duration?) {
        registry.makeCounter(descriptor: Self.requests, labels: [("model", model), ("status", String(status))]).increment()
        if let duration {
            registry.makeDurationHistogram(descriptor: Self.latency, labels: [("model", model)], buckets: Self.latencyBuckets)
                .record(duration)
        }
    }

    /// Records the rows of one forward pass.
    public func batch(model: String, rows: Int) {
        registry.makeValueHistogram(descriptor: Self.batchRows, labels: [("model", model)], buckets: Self.batchBuckets)
            .record(Double(rows))
    }

    /// Sets the number of requests waiting in `model`'s queue.
    public func queueDepth(model: String, requests: Int) {
        registry.makeGauge(descriptor: Self.queue, labels: [("model", model)]).set(Double(requests))
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] { registry.emitToBuffer() }

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "logits", metricName: "requests", unitName: "total",
                                               helpText: "Requests answered, by model and HTTP status.") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "logits", metricName: "request_duration", unitName: "seconds",
                                              helpText: "Inference request latency, body read to response built.") }
    static var batchRows: MetricNameDescriptor { MetricNameDescriptor(namespace: "logits", metricName: "batch", unitName: "rows",
                                                helpText: "Rows per forward pass (dynamic batching).") }
    static var queue: MetricNameDescriptor { MetricNameDescriptor(namespace: "logits", metricName: "queue_depth", unitName: "requests",
                                            helpText: "Inference requests waiting for a batch.") }
}

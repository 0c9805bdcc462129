import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics, served at `/metrics` in the text exposition format:
///
/// - `flint_requests_total{model, status}`: inference requests by model and HTTP status
/// - `flint_request_duration_seconds{model}`: inference latency histogram
/// - `flint_batch_size{model}`: rows per forward pass (histogram)
/// - `flint_queue_depth{model}`: requests waiting for a batch
///
/// ```swift
/// let metrics = ServerMetrics()
/// metrics.recordRequest(model: "iris", status: 200, duration: .milliseconds(3))
/// print(metrics.text())
/// ```
public final class ServerMetrics: Sendable {
    /// The registry every metric lives in (one per server, so tests do not share counts).
    public let registry = PrometheusCollectorRegistry()

    private static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]
    private static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    /// A fresh set of metrics.
    ///
    /// ```swift
    /// let metrics = ServerMetrics()
    /// ```
    public init() {}

    /// The metric objects already made, by model (and status): the registry's `make…` calls validate
    /// names and labels and take its lock every time, which showed as 3% of the server's CPU under load.
    private struct Handles {
        var requests: [String: Counter] = [:]
        var latency: [String: DurationHistogram] = [:]
        var batchSize: [String: ValueHistogram] = [:]
        var queueDepth: [String: Gauge] = [:]
    }
    private let handles = Mutex(Handles())

    /// The metric under `key` in `table`, made by `make` the first time.
    private func handle<Metric: Sendable>(_ table: WritableKeyPath<Handles, [String: Metric]> & Sendable, _ key: String,
                                          _ make: () -> Metric) -> Metric {
        handles.withLock { handles in
            if let metric = handles[keyPath: table][key] { return metric }
            let metric = make()
            handles[keyPath: table][key] = metric
            return metric
        }
    }

    /// Counts one inference request to `model` answered with `status`, and records its latency.
    ///
    /// ```swift
    /// metrics.recordRequest(model: "iris", status: 200, duration: .milliseconds(2))
    /// ```
    public func recordRequest(model: String, status: Int, duration: Duration) {
        handle(\.requests, model + "\u{0}" + String(status)) {
            registry.makeCounter(descriptor: Self.requests, labels: [("model", model), ("status", String(status))])
        }.increment()
        handle(\.latency, model) {
            registry.makeDurationHistogram(descriptor: Self.latency, labels: [("model", model)], buckets: Self.latencyBuckets)
        }.record(duration)
    }

    /// Records one forward pass of `rows` rows for `model`.
    ///
    /// ```swift
    /// metrics.recordBatch(model: "iris", rows: 8)
    /// ```
    public func recordBatch(model: String, rows: Int) {
        handle(\.batchSize, model) {
            registry.makeValueHistogram(descriptor: Self.batchSize, labels: [("model", model)], buckets: Self.batchBuckets)
        }.record(Double(rows))
    }

    /// Sets the number of requests waiting for a batch of `model`.
    ///
    /// ```swift
    /// metrics.setQueueDepth(model: "iris", 3)
    /// ```
    public func setQueueDepth(model: String, _ depth: Int) {
        handle(\.queueDepth, model) { registry.makeGauge(descriptor: Self.queueDepth, labels: [("model", model)]) }.set(Double(depth))
    }

    /// Every metric in the Prometheus text format.
    ///
    /// ```swift
    /// let text = metrics.text()   // "# TYPE flint_requests_total counter\n…"
    /// ```
    public func text() -> String { registry.emitToString() }

    private static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "flint", metricName: "requests", unitName: "total",
                                                       helpText: "Inference requests by model and HTTP status.") }
    private static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "flint", metricName: "request_duration", unitName: "seconds",
                                                      helpText: "Inference request latency, from arrival to answer.") }
    private static var batchSize: MetricNameDescriptor { MetricNameDescriptor(namespace: "flint", metricName: "batch", unitName: "size",
                                                        helpText: "Rows per forward pass after dynamic batching.") }
    private static var queueDepth: MetricNameDescriptor { MetricNameDescriptor(namespace: "flint", metricName: "queue", unitName: "depth",
                                                         helpText: "Requests waiting for a batch.") }
}

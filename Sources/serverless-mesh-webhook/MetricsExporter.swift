// Bootstraps swift-metrics with swift-prometheus and serves the registry at /metrics.
import HTTPServer
import Metrics
import Policy
import Prometheus

/// Owns the Prometheus registry of the process. Created once by `serve` on the main thread;
/// `render()` is called on event-loop threads (the registry locks internally).
final class MetricsExporter: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Duration histograms: buckets from 50 µs to 30 s (server.md).
    static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]
    /// `webhook_request_duration_seconds{webhook}`, one series per webhook path in
    /// `WebhookPath.allCases` order: recorded on every review, so kept out of the registry
    /// (see `DurationHistogramFamily`) and rendered after it.
    let requestDurations = DurationHistogramFamily(
        name: "webhook_request_duration_seconds",
        labelSets: WebhookPath.allCases.map { [("webhook", $0.rawValue)] },
        buckets: MetricsExporter.durationBuckets)

    /// Installs the Prometheus backend for every swift-metrics handle created afterwards.
    func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// The text exposition format 0.0.4.
    func render() -> HTTPResponse {
        var text = registry.emitToBuffer()
        requestDurations.emit(into: &text)
        return HTTPResponse(status: 200, headers: HTTPHeaders([("content-type", "text/plain; version=0.0.4; charset=utf-8")]), body: text)
    }
}

// The transport's metrics through swift-metrics: requests by protocol and code, connections, TLS.
import Metrics
import Synchronization

/// Metric handles shared by all event loops. The swift-metrics backend (Prometheus in the
/// executable) is thread-safe; per-code counters are cached so the hot path does no lookup
/// under a lock. Knows no Kubernetes labels.
package final class TransportMetrics: Sendable {
    private let requestCounters: Mutex<[Int: Counter]> = Mutex([:])
    package let connectionsOpen = Gauge(label: "http_connections_open")
    package let connectionsRejected = Counter(label: "http_connections_rejected_total")
    package let handshakeErrors = Counter(label: "tls_handshake_errors_total")
    package let certificateNotAfter = Gauge(label: "tls_certificate_not_after_timestamp_seconds")

    package init() {}

    /// The counter `http_requests_total{protocol, code}`; callers cache it per loop.
    package func requestCounter(protocol version: HTTPVersion, code: Int) -> Counter {
        let key = code &* 2 &+ (version == .h2 ? 1 : 0)
        return requestCounters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: "http_requests_total", dimensions: [("protocol", version.metricLabel), ("code", String(code))])
            cache[key] = counter
            return counter
        }
    }

    package func certificateReload(result: String) {
        Counter(label: "tls_certificate_reloads_total", dimensions: [("result", result)]).increment()
    }
}

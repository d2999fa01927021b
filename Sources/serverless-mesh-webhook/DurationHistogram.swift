// A Prometheus duration histogram recorded with one bucket increment per observation.
import Prometheus
import Synchronization

/// One histogram family (`# TYPE name histogram`) whose series are fixed when it is made:
/// `webhook_request_duration_seconds{webhook}`, recorded once per review on the event-loop
/// threads and rendered by `MetricsExporter` after swift-prometheus's registry.
///
/// Why not swift-prometheus's `Histogram<Duration>` (which it replaces, text for text: a test
/// renders both): it adds one to every bucket at or above the value, comparing each of the 18
/// bounds as a `Duration` through a call, ~900 instructions per review (callgrind). Here an
/// observation finds its first bucket by comparing nanoseconds and increments that one; the
/// buckets are summed up when the text is rendered (at scrape time, rare).
///
/// Shared by every event loop; each series has its own lock, held for three additions.
/// It does not take new label sets after `init` and does not know what it measures.
final class DurationHistogramFamily: Sendable {
    let name: String
    /// The upper bounds, ascending, in nanoseconds and as the exposition writes them.
    private let bounds: [Int64]
    private let boundTexts: [String]
    private let series: [Series]

    /// One label set's counts. Thread-safe (its mutex).
    final class Series: Sendable {
        /// `key="value",…` as the exposition writes it.
        let labelText: String
        /// Upper bounds in nanoseconds, the family's (a copy kept here: one less indirection).
        private let bounds: [Int64]
        private let state: Mutex<State>

        struct State {
            /// Observations per bucket, not cumulative; the last one is `+Inf`'s own.
            var counts: [Int]
            var sumNanoseconds: Int64 = 0
            var count = 0
        }

        fileprivate init(labelText: String, bounds: [Int64]) {
            self.labelText = labelText
            self.bounds = bounds
            self.state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
        }

        /// Counts one observation (negative values count as 0, as no elapsed time is below it).
        func record(nanoseconds: Int64) {
            let value = max(nanoseconds, 0)
            // The first bucket whose bound is at least the value: a review takes tens of
            // microseconds, so the scan ends in the first few of the 18.
            var bucket = 0
            bounds.withUnsafeBufferPointer { bounds in
                while bucket < bounds.count, bounds[bucket] < value { bucket &+= 1 }
            }
            state.withLock { state in
                state.counts[bucket] &+= 1
                state.sumNanoseconds &+= value
                state.count &+= 1
            }
        }

        fileprivate var snapshot: State { state.withLock { $0 } }
    }

    /// `labelSets` are the series, each `[(name, value)]`; `buckets` the upper bounds, ascending.
    init(name: String, labelSets: [[(String, String)]], buckets: [Duration]) {
        self.name = name
        let sorted = buckets.sorted()
        bounds = sorted.map { Self.nanoseconds($0) }
        boundTexts = sorted.map(\.bucketRepresentation)
        let bounds = self.bounds
        series = labelSets.map { labels in
            Series(labelText: labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ","), bounds: bounds)
        }
    }

    /// The series whose labels were given `index`-th to `init`.
    subscript(index: Int) -> Series { series[index] }

    /// The family in the text exposition format 0.0.4, as swift-prometheus writes a histogram:
    /// a `# TYPE` line, then per series the cumulative buckets, `+Inf`, `_sum` and `_count`.
    func emit(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "# TYPE \(name) histogram\n".utf8)
        for series in series {
            let state = series.snapshot
            let labels = series.labelText
            let prefix = labels.isEmpty ? "" : labels + ","
            var cumulative = 0
            for (bound, text) in zip(state.counts, boundTexts) {
                cumulative += bound
                buffer.append(contentsOf: "\(name)_bucket{\(prefix)le=\"\(text)\"} \(cumulative)\n".utf8)
            }
            buffer.append(contentsOf: "\(name)_bucket{\(prefix)le=\"+Inf\"} \(state.count)\n".utf8)
            let braces = labels.isEmpty ? " " : "{\(labels)} "
            let sum = Duration.nanoseconds(state.sumNanoseconds).bucketRepresentation
            buffer.append(contentsOf: "\(name)_sum\(braces)\(sum)\n".utf8)
            buffer.append(contentsOf: "\(name)_count\(braces)\(state.count)\n".utf8)
        }
    }

    /// A label value as the exposition format escapes it (backslash, quote, line feed).
    private static func escaped(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Whole nanoseconds, rounded down: observations are whole nanoseconds, and a whole
    /// number is at most a bound exactly when it is at most the bound rounded down.
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

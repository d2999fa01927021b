// The request-duration histogram against swift-prometheus's, which it replaces: the same text.
import Prometheus
import Testing
@testable import serverless_mesh_webhook

@Suite("DurationHistogramFamily")
struct DurationHistogramTests {
    static let name = "webhook_request_duration_seconds"
    static let labelSets = [[("webhook", "mutate")], [("webhook", "validate")], [("webhook", "a\"b\\c\nd")]]

    /// Both histograms fed the same observations; the lines of this family must match.
    static let observations: [String: [Int64]] = [
        "none": [],
        "around the first bounds": [0, 1, 49_999, 50_000, 50_001, 99_999, 100_000],
        "around the last bounds": [2_500_000, 2_500_001, 29_999_999_999, 30_000_000_000, 30_000_000_001, 3_600_000_000_000],
        "spread": (0..<500).map { Int64($0) * 7_919 * 1_013 },
    ]

    @Test(arguments: ["none", "around the first bounds", "around the last bounds", "spread"])
    func rendersWhatSwiftPrometheusRenders(case name: String) {
        let observations = Self.observations[name] ?? []
        let ours = DurationHistogramFamily(name: Self.name, labelSets: Self.labelSets, buckets: MetricsExporter.durationBuckets)
        let registry = PrometheusCollectorRegistry()
        let descriptor = MetricNameDescriptor(metricName: "webhook_request_duration", unitName: "seconds", helpText: "")
        #expect(descriptor.name == Self.name)
        let theirs = Self.labelSets.map { registry.makeDurationHistogram(descriptor: descriptor, labels: $0, buckets: MetricsExporter.durationBuckets) }
        for (k, value) in observations.enumerated() {
            // Spread over the series, the first getting most.
            let series = k % 5 < 3 ? 0 : (k % 5 == 3 ? 1 : 2)
            ours[series].record(nanoseconds: value)
            theirs[series].recordNanoseconds(value)
        }
        var ourText: [UInt8] = []
        ours.emit(into: &ourText)
        let ourLines = String(decoding: ourText, as: UTF8.self).split(separator: "\n").map(String.init)
        let theirLines = registry.emitToString().split(separator: "\n").map(String.init)
        #expect(ourLines.first == "# TYPE \(Self.name) histogram")
        // swift-prometheus orders series by its own dictionary: compare as sets, and count.
        #expect(Set(ourLines) == Set(theirLines))
        #expect(ourLines.count == theirLines.count)
        #expect(ourLines.count == 1 + Self.labelSets.count * (MetricsExporter.durationBuckets.count + 3))
    }

    /// Buckets are cumulative: an observation counts in its bucket and every one above it.
    @Test func bucketsAreCumulative() {
        let family = DurationHistogramFamily(name: "d", labelSets: [[]], buckets: [.microseconds(50), .milliseconds(1)])
        family[0].record(nanoseconds: 10)
        family[0].record(nanoseconds: 50_000)
        family[0].record(nanoseconds: 50_001)
        family[0].record(nanoseconds: 5_000_000_000)
        family[0].record(nanoseconds: -3)  // counts as 0
        var text: [UInt8] = []
        family.emit(into: &text)
        #expect(String(decoding: text, as: UTF8.self) == """
            # TYPE d histogram
            d_bucket{le="0.00005"} 3
            d_bucket{le="0.001"} 4
            d_bucket{le="+Inf"} 5
            d_sum 5.000100011
            d_count 5

            """)
    }
}

// Every recorded AdmissionReview under Fixtures/reviews through the replay code path, against its golden response.
import Admission
import Foundation
import Policy
import Testing

/// The fixture corpus: `Fixtures/reviews/<scenario>/{mutate,validate}/<case>.request.json`
/// with `<case>.response.json` beside it (written by `serverless-mesh-webhook replay --update`
/// and reviewed). A scenario directory may hold a `config.yaml` (as `replay` reads it);
/// `default/` has none. Each case must match its golden response and every mutation must be
/// idempotent — the same checks `replay` makes.
enum ReviewFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reviews")

    struct Case: CustomStringConvertible, Sendable {
        let scenario: String
        let requestPath: String
        let path: WebhookPath
        var description: String { "\(scenario)/\(path.rawValue)/\(URL(fileURLWithPath: requestPath).lastPathComponent)" }

        func configuration() throws -> PolicyConfiguration {
            let file = ReviewFixtures.root.appendingPathComponent(scenario).appendingPathComponent("config.yaml")
            guard let data = FileManager.default.contents(atPath: file.path) else { return PolicyConfiguration() }
            return try PolicyConfiguration.load(yaml: String(decoding: data, as: UTF8.self))
        }
    }

    static func all() -> [Case] {
        var cases: [Case] = []
        let scenarios = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for scenario in scenarios.sorted() {
            for path in WebhookPath.allCases {
                let directory = root.appendingPathComponent(scenario).appendingPathComponent(path.rawValue)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                for name in names.sorted() where name.hasSuffix(".request.json") {
                    cases.append(Case(scenario: scenario, requestPath: directory.appendingPathComponent(name).path, path: path))
                }
            }
        }
        return cases
    }
}

@Suite("Recorded AdmissionReview fixtures")
struct ReviewFixtureTests {
    @Test func theCorpusCoversBothWebhooks() {
        let cases = ReviewFixtures.all()
        #expect(cases.contains { $0.path == .mutate })
        #expect(cases.contains { $0.path == .validate })
    }

    @Test(arguments: ReviewFixtures.all())
    func caseMatchesItsGoldenResponseAndIsIdempotent(_ fixture: ReviewFixtures.Case) throws {
        let request = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture.requestPath)))
        let goldenPath = String(fixture.requestPath.dropLast(".request.json".count)) + ".response.json"
        let golden = try #require(FileManager.default.contents(atPath: goldenPath), "no golden response \(goldenPath): run replay --update and review it")
        let outcome = try ReplayCase.evaluate(request: request, golden: [UInt8](golden), path: fixture.path, pipeline: AdmissionPipeline(policy: Policy(configuration: try fixture.configuration())))
        #expect(outcome.goldenDifference == nil, "\(outcome.goldenDifference ?? "")")
        #expect(outcome.idempotencyFailure == nil, "\(outcome.idempotencyFailure ?? "")")
        if fixture.path == .validate {
            #expect(outcome.result.decision.response.patch == nil, "a validating answer never carries a patch")
        }
        #expect(outcome.result.decision.response.uid == outcome.result.review.request.uid)
    }
}

// The recorded mesh AdmissionReviews (Fixtures/reviews/default/validate): well-formed envelopes, and the rules each one fires.
import Foundation
import Testing
import Admission
@testable import Policy

/// Reads a recorded review for these tests (golden responses are checked by ReviewFixtureTests).
enum MeshFixture {
    static let directory: String = {
        let file = #filePath
        let tests = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
        return "\(tests)/Fixtures/reviews/default/validate"
    }()

    static let prefixes = ["smmr-", "smcp-", "gw-", "svc-", "ks-", "np-"]

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: "\(directory)/\(name).request.json", encoding: .utf8)
    }

    static func review(_ name: String) throws -> JSONValue {
        try JSONParser.parse(text(name))
    }

    /// The request, through the production decoder.
    static func request(_ review: JSONValue) -> AdmissionRequest? {
        try? AdmissionReviewDecoder.decode(json: review).request
    }
}

/// The recorded reviews: envelope shape and fired rules. It deliberately does not compare responses (goldens are `replay`'s).
@Suite("Mesh review fixtures")
struct ServiceMeshFixtureTests {
    /// What one fixture must do under the default configuration (or kourier mode): the rules it
    /// denies and warns with, in order, and the status code. A constant; any thread.
    struct Expectation: Sendable, CustomStringConvertible {
        let name: String
        var denied: [String] = []
        var warned: [String] = []
        var code: Int?
        var kourier = false
        var description: String { name }
    }

    static let expectations: [Expectation] = [
        .init(name: "smmr-documented-default-allowed"),
        .init(name: "smmr-missing-knative-serving-denied", denied: ["SMMR-REQUIRED-MEMBERS"], code: 403),
        .init(name: "smmr-invalid-member-name-denied", denied: ["SMMR-MEMBER-NAMES"], code: 422),
        .init(name: "smmr-duplicate-member-warns", warned: ["SMMR-MEMBER-NAMES"]),
        .init(name: "smmr-other-roll-name-warns", warned: ["SMMR-NAME"]),
        .init(name: "smmr-members-string-malformed", denied: ["SMMR-REQUIRED-MEMBERS"], code: 400),
        .init(name: "smmr-wildcard-member-v1beta1-allowed"),
        .init(name: "smmr-update-removes-knative-serving-denied", denied: ["SMMR-REQUIRED-MEMBERS"], code: 403),
        .init(name: "smmr-delete-allowed"),
        .init(name: "smcp-documented-mtls-allowed"),
        .init(name: "smcp-version-v1-1-denied", denied: ["SMCP-VERSION"], code: 403),
        .init(name: "smcp-unknown-version-v2-7-denied", denied: ["SMCP-VERSION"], code: 403),
        .init(name: "smcp-mtls-disabled-denied", denied: ["SMCP-MTLS"], code: 403),
        .init(name: "smcp-metrics-port-missing-denied", denied: ["SMCP-METRICS-PORTS"], code: 403),
        .init(name: "smcp-dry-run-several-violations-denied", denied: ["SMCP-VERSION", "SMCP-METRICS-PORTS"], code: 403),
        .init(name: "smcp-other-namespace-ignored"),
        .init(name: "smcp-update-disables-mtls-denied", denied: ["SMCP-MTLS"], code: 403),
        .init(name: "gw-ingress-documented-allowed"),
        .init(name: "gw-ingress-no-https-server-denied", denied: ["GW-INGRESS"], code: 403),
        .init(name: "gw-ingress-other-credential-warns", warned: ["GW-INGRESS"]),
        .init(name: "gw-local-documented-http-allowed"),
        .init(name: "gw-local-istio-mutual-allowed"),
        .init(name: "gw-local-port-80-denied", denied: ["GW-LOCAL"], code: 403),
        .init(name: "gw-selector-empty-denied", denied: ["GW-SELECTOR"], code: 403),
        .init(name: "gw-selector-knative-label-warns", warned: ["GW-SELECTOR"]),
        .init(name: "gw-tls-https-without-tls-denied", denied: ["GW-TLS"], code: 403),
        .init(name: "gw-tls-custom-gateway-with-credential-allowed"),
        .init(name: "gw-servers-not-a-list-malformed", denied: ["GW-INGRESS"], code: 400),
        .init(name: "gw-other-namespace-ignored"),
        .init(name: "gw-update-v1beta1-review-removes-selector-denied", denied: ["GW-SELECTOR"], code: 403),
        .init(name: "svc-local-gateway-documented-allowed"),
        .init(name: "svc-local-gateway-string-target-port-allowed"),
        .init(name: "svc-local-gateway-wrong-target-port-denied", denied: ["SVC-LOCAL-GATEWAY"], code: 403),
        .init(name: "svc-local-gateway-dry-run-missing-label-denied", denied: ["SVC-LOCAL-GATEWAY"], code: 403),
        .init(name: "svc-other-service-ignored"),
        .init(name: "svc-local-gateway-update-drops-label-denied", denied: ["SVC-LOCAL-GATEWAY"], code: 403),
        .init(name: "ks-documented-allowed"),
        .init(name: "ks-v1alpha1-documented-allowed"),
        .init(name: "ks-workloads-1-31-allowed"),
        .init(name: "ks-kourier-enabled-denied", denied: ["KS-ISTIO-INGRESS"], code: 403),
        .init(name: "ks-missing-sidecar-workloads-denied", denied: ["KS-SIDECAR-WORKLOADS"], code: 403),
        .init(name: "ks-secret-filtering-on-warns", warned: ["KS-SECRET-FILTERING"]),
        .init(name: "ks-secret-filtering-bad-value-invalid", denied: ["KS-SECRET-FILTERING"], code: 422),
        .init(name: "ks-metrics-backend-unset-warns", warned: ["KS-METRICS-BACKEND"]),
        .init(name: "ks-update-switches-to-kourier-denied", denied: ["KS-ISTIO-INGRESS"], code: 403),
        .init(name: "np-monitoring-documented-allowed"),
        .init(name: "np-monitoring-wrong-selector-denied", denied: ["NP-MONITORING"], code: 403),
        .init(name: "np-monitoring-match-expressions-allowed"),
        .init(name: "np-monitoring-other-namespace-ignored"),
        .init(name: "np-monitoring-update-egress-only-denied", denied: ["NP-MONITORING"], code: 403),
        .init(name: "np-serving-system-documented-allowed", kourier: true),
        .init(name: "np-serving-system-egress-only-kourier-denied", denied: ["NP-SERVING-SYSTEM"], code: 403, kourier: true),
    ]

    @Test func everyMeshFixtureHasAnExpectationAndEveryExpectationAFile() throws {
        let listed = Set(Self.expectations.map(\.name))
        #expect(listed.count == Self.expectations.count)
        for name in listed {
            #expect((try? MeshFixture.text(name)) != nil, "missing \(name).request.json")
        }
        let files = (try FileManager.default.contentsOfDirectory(atPath: MeshFixture.directory))
            .filter { file in file.hasSuffix(".request.json") && MeshFixture.prefixes.contains { file.hasPrefix($0) } }
            .map { String($0.dropLast(".request.json".count)) }
        #expect(Set(files) == listed)
    }

    @Test(arguments: expectations)
    func fixtureIsAnAPIServerEnvelope(_ expectation: Expectation) throws {
        let review = try MeshFixture.review(expectation.name)
        #expect(review["kind"]?.stringValue == "AdmissionReview")
        #expect(["admission.k8s.io/v1", "admission.k8s.io/v1beta1"].contains(review["apiVersion"]?.stringValue ?? ""))
        let request = try #require(MeshFixture.request(review))
        for key in ["uid", "kind", "resource", "requestKind", "requestResource", "name", "namespace", "operation",
                    "userInfo", "object", "oldObject", "dryRun", "options"] {
            #expect(review["request", key] != nil, "\(expectation.name): request.\(key)")
        }
        #expect(request.userInfo?["username"]?.stringValue?.isEmpty == false)
        #expect(request.userInfo?["groups"]?.isArray == true)
        let object = request.operation == .delete ? request.oldObject : request.object
        let apiVersion = request.kind.group.isEmpty ? request.kind.version : "\(request.kind.group)/\(request.kind.version)"
        #expect(object?["apiVersion"]?.stringValue == apiVersion)
        #expect(object?["kind"]?.stringValue == request.kind.kind)
        #expect(object?["metadata", "name"]?.stringValue == request.name)
        #expect(object?["metadata", "namespace"]?.stringValue == request.namespace)
        #expect((request.oldObject == nil) == (request.operation == .create))
        #expect((request.object == nil) == (request.operation == .delete))
        let optionsKind = ["CREATE": "CreateOptions", "UPDATE": "UpdateOptions", "DELETE": "DeleteOptions"][request.operation.rawValue]
        #expect(request.options?["kind"]?.stringValue == optionsKind)
        #expect((request.options?["dryRun"] != nil) == request.dryRun)
        #expect(MeshFixture.prefixes.contains { expectation.name.hasPrefix($0) })
    }

    @Test(arguments: expectations)
    func fixtureFiresExactlyItsRules(_ expectation: Expectation) throws {
        let request = try #require(MeshFixture.request(try MeshFixture.review(expectation.name)))
        let configuration = expectation.kourier ? MeshCheck.kourier : PolicyConfiguration()
        let verdict = MeshVerdict(decision: Policy(configuration: configuration).validate(request))
        #expect(verdict.deniedIDs == expectation.denied)
        #expect(verdict.warnedIDs == expectation.warned)
        #expect(verdict.allowed == expectation.denied.isEmpty)
        #expect(verdict.code == expectation.code)
        #expect(verdict.decision.response.uid == request.uid)
        #expect(verdict.decision.response.patch == nil)
        #expect(verdict.denialLines.count == expectation.denied.count)
    }

    @Test func kourierFixturesAreAllowedInMeshIngressMode() throws {
        for expectation in Self.expectations where expectation.kourier {
            let request = try #require(MeshFixture.request(try MeshFixture.review(expectation.name)))
            let decision = Policy().validate(request)
            #expect(decision.response.allowed)
            #expect(decision.findings.isEmpty)
        }
    }

    @Test func fixturesCoverUpdateDryRunAndBothReviewVersions() throws {
        var operations = Set<String>(), dryRun = 0, versions = Set<String>()
        var denyFired = Set<String>()
        for expectation in Self.expectations {
            let review = try MeshFixture.review(expectation.name)
            operations.insert(review["request", "operation"]?.stringValue ?? "")
            if review["request", "dryRun"]?.boolValue == true { dryRun += 1 }
            versions.insert(review["apiVersion"]?.stringValue ?? "")
            denyFired.formUnion(expectation.denied + expectation.warned)
        }
        #expect(operations == ["CREATE", "UPDATE", "DELETE"])
        #expect(dryRun >= 2)
        #expect(versions == ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"])
        #expect(denyFired == Set(Policy.meshValidations.flatMap(\.ids)))
    }
}

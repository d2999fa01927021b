// Builds AdmissionRequests from JSON literals and recorded reviews for the policy tests.
import Admission
import Foundation
@testable import Policy

/// Shared helpers of the PolicyTests suites (workload and mesh rules alike): requests from
/// JSON object literals, policies with a tweaked configuration, patch application and the
/// mutate-twice idempotency check, and a small reader of recorded AdmissionReview fixtures.
/// Stateless; any thread. It deliberately is not the production review decoder (that one lives
/// in the Admission module and has its own tests): it reads only what the policy needs and
/// fails loudly on anything unexpected.
enum PolicyTestSupport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let knativeService = GroupVersionKind(group: "serving.knative.dev", version: "v1", kind: "Service")
    static let secret = GroupVersionKind(group: "", version: "v1", kind: "Secret")
    static let namespace = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

    /// Parses JSON text (a literal in a test).
    static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// A request for `object` (JSON text); name and namespace come from its metadata, the
    /// resource is the kind's lower-case plural unless given.
    static func request(
        _ kind: GroupVersionKind, object: String, operation: AdmissionOperation = .create, oldObject: String? = nil,
        uid: String = "705ab4f5-6393-11e8-b7cc-42010a800002", dryRun: Bool = false, subResource: String? = nil,
        resource: String? = nil
    ) throws -> AdmissionRequest {
        try request(kind, object: json(object), operation: operation, oldObject: oldObject.map(json), uid: uid,
                    dryRun: dryRun, subResource: subResource, resource: resource)
    }

    /// As `request(_:object:…)` for an object already parsed (or not an object at all).
    static func request(
        _ kind: GroupVersionKind, object: JSONValue, operation: AdmissionOperation = .create, oldObject: JSONValue? = nil,
        uid: String = "705ab4f5-6393-11e8-b7cc-42010a800002", dryRun: Bool = false, subResource: String? = nil,
        resource: String? = nil
    ) -> AdmissionRequest {
        let gvr = GroupVersionResource(group: kind.group, version: kind.version, resource: resource ?? plural(kind.kind))
        return AdmissionRequest(
            uid: uid, kind: kind, resource: gvr, subResource: subResource, requestKind: kind, requestResource: gvr,
            name: object["metadata", "name"]?.stringValue, namespace: object["metadata", "namespace"]?.stringValue,
            operation: operation, userInfo: ["username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]],
            object: object, oldObject: oldObject, dryRun: dryRun)
    }

    /// "Service" → "services", "NetworkPolicy" → "networkpolicies".
    static func plural(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("y") { return String(lower.dropLast()) + "ies" }
        return lower + "s"
    }

    /// A policy with the documented defaults changed by `configure`.
    static func policy(_ configure: (inout PolicyConfiguration) -> Void = { _ in }) -> Policy {
        var configuration = PolicyConfiguration()
        configure(&configuration)
        return Policy(configuration: configuration)
    }

    /// The request with its object replaced by the result of applying the decision's patch.
    static func applyingPatch(of decision: PolicyDecision, to request: AdmissionRequest) throws -> AdmissionRequest {
        guard let patch = decision.response.patch else { return request }
        var patched = request
        patched.object = JSONView(try patch.apply(to: request.object?.materialized() ?? .null))
        return patched
    }

    /// Mutates, applies the patch, and mutates the result again: the second answer must carry
    /// no patch (policy.md: idempotent under `reinvocationPolicy: IfNeeded`).
    static func mutateTwice(_ policy: Policy, _ request: AdmissionRequest) throws -> (first: PolicyDecision, second: PolicyDecision, patched: JSONValue?) {
        let first = policy.mutate(request)
        let patched = try applyingPatch(of: first, to: request)
        return (first, policy.mutate(patched), patched.object?.materialized())
    }

    // MARK: - Recorded reviews

    /// `Tests/PolicyTests/Fixtures/reviews/default` (the scenario with the default configuration).
    static let reviewsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reviews/default")

    /// The `*.request.json` names (without the suffix) in `mutate` or `validate` starting with `prefix`.
    static func fixtureCases(_ path: String, prefix: String) throws -> [String] {
        let directory = reviewsDirectory.appendingPathComponent(path)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".request.json") }
            .map { String($0.dropLast(".request.json".count)) }
            .sorted()
    }

    /// The whole review JSON of `<path>/<name>.request.json`.
    static func fixtureReview(_ path: String, _ name: String) throws -> JSONValue {
        let url = reviewsDirectory.appendingPathComponent(path).appendingPathComponent(name + ".request.json")
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    /// The request of a recorded review, through the production decoder.
    static func request(fromReview review: JSONValue) throws -> AdmissionRequest {
        try AdmissionReviewDecoder.decode(json: review).request
    }

    private static func gvk(_ value: JSONValue?) -> GroupVersionKind? {
        guard let value, let group = value["group"]?.stringValue, let version = value["version"]?.stringValue,
              let kind = value["kind"]?.stringValue else { return nil }
        return GroupVersionKind(group: group, version: version, kind: kind)
    }

    private static func gvr(_ value: JSONValue?) -> GroupVersionResource? {
        guard let value, let group = value["group"]?.stringValue, let version = value["version"]?.stringValue,
              let resource = value["resource"]?.stringValue else { return nil }
        return GroupVersionResource(group: group, version: version, resource: resource)
    }
}

extension PolicyTestSupport {
    /// What a recorded review should get from the policy with the documented defaults.
    struct FixtureExpectation: Sendable, CustomStringConvertible {
        var name: String
        /// "allowed", "patched" or "denied" (`PolicyDecision.outcome`).
        var outcome: String
        var code: Int? = nil
        /// The rule IDs that fired, in order.
        var rules: [String] = []
        var description: String { name }
    }

    /// Runs `<path>/<name>.request.json` through the default policy (`mutate` or `validate` per
    /// `path`), checks the answer is well formed, and for mutations that the patch applies and
    /// a second pass yields none.
    static func decide(_ path: String, _ name: String) throws -> PolicyDecision {
        let review = try fixtureReview(path, name)
        let request = try request(fromReview: review)
        let policy = Policy()
        guard path == "mutate" else { return policy.validate(request) }
        let (first, second, _) = try mutateTwice(policy, request)
        guard second.response.patch == nil else { throw Failure("\(name): mutating the patched object patches again") }
        return first
    }
}

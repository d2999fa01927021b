// Helpers for the mesh rule tests: documented example objects, request builders and a readable verdict.
import Admission
@testable import Policy

/// Group/version/kinds and resources of the objects the mesh rules judge. Constants; any thread.
enum MeshKinds {
    static let memberRoll = GroupVersionKind(group: "maistra.io", version: "v1", kind: "ServiceMeshMemberRoll")
    static let controlPlane = GroupVersionKind(group: "maistra.io", version: "v2", kind: "ServiceMeshControlPlane")
    static let gateway = GroupVersionKind(group: "networking.istio.io", version: "v1beta1", kind: "Gateway")
    static let service = GroupVersionKind(group: "", version: "v1", kind: "Service")
    static let knativeServing = GroupVersionKind(group: "operator.knative.dev", version: "v1beta1", kind: "KnativeServing")
    static let networkPolicy = GroupVersionKind(group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy")

    /// `request.resource` for a kind: lowercase plural, as the API server names it.
    static func resource(for kind: GroupVersionKind) -> GroupVersionResource {
        let plural: String
        switch kind.kind {
        case "NetworkPolicy": plural = "networkpolicies"
        default: plural = kind.kind.lowercased() + "s"
        }
        return GroupVersionResource(group: kind.group, version: kind.version, resource: plural)
    }
}

/// The documented examples of the OpenShift Serverless Service Mesh integration (doc §1.3,
/// §1.4, §1.5), each valid under the default configuration. Constants; any thread.
enum MeshExamples {
    static let memberRoll = """
    {"apiVersion":"maistra.io/v1","kind":"ServiceMeshMemberRoll",
     "metadata":{"name":"default","namespace":"istio-system"},
     "spec":{"members":["knative-serving","serverless-apps"]}}
    """

    static let controlPlane = """
    {"apiVersion":"maistra.io/v2","kind":"ServiceMeshControlPlane",
     "metadata":{"name":"basic","namespace":"istio-system"},
     "spec":{"version":"v2.4","profiles":["default"],
       "security":{"dataPlane":{"mtls":true}},
       "techPreview":{"meshConfig":{"defaultConfig":{"terminationDrainDuration":"35s"}}},
       "gateways":{"ingress":{"service":{"metadata":{"labels":{"knative":"ingressgateway"}}}}},
       "proxy":{"networking":{"trafficControl":{"inbound":{"excludedPorts":[8444,8022]}}}}}}
    """

    static let ingressGateway = """
    {"apiVersion":"networking.istio.io/v1beta1","kind":"Gateway",
     "metadata":{"name":"knative-ingress-gateway","namespace":"knative-serving"},
     "spec":{"selector":{"istio":"ingressgateway"},
       "servers":[{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["*"],
                   "tls":{"mode":"SIMPLE","credentialName":"wildcard-certs"}}]}}
    """

    static let localGateway = """
    {"apiVersion":"networking.istio.io/v1beta1","kind":"Gateway",
     "metadata":{"name":"knative-local-gateway","namespace":"knative-serving"},
     "spec":{"selector":{"istio":"ingressgateway"},
       "servers":[{"port":{"number":8081,"name":"http","protocol":"HTTP"},"hosts":["*"]}]}}
    """

    static let localGatewayService = """
    {"apiVersion":"v1","kind":"Service",
     "metadata":{"name":"knative-local-gateway","namespace":"istio-system",
                 "labels":{"experimental.istio.io/disable-gateway-port-translation":"true"}},
     "spec":{"type":"ClusterIP","selector":{"istio":"ingressgateway"},
             "ports":[{"name":"http2","port":80,"targetPort":8081}]}}
    """

    static let knativeServing = """
    {"apiVersion":"operator.knative.dev/v1beta1","kind":"KnativeServing",
     "metadata":{"name":"knative-serving","namespace":"knative-serving"},
     "spec":{"ingress":{"istio":{"enabled":true}},
       "deployments":[
         {"name":"activator","labels":{"sidecar.istio.io/inject":"true"},
          "annotations":{"sidecar.istio.io/rewriteAppHTTPProbers":"true"}},
         {"name":"autoscaler","labels":{"sidecar.istio.io/inject":"true"},
          "annotations":{"sidecar.istio.io/rewriteAppHTTPProbers":"true"}}],
       "config":{"observability":{"metrics.backend-destination":"prometheus"},
         "istio":{"gateway.knative-serving.knative-ingress-gateway":"istio-ingressgateway.istio-system.svc.cluster.local",
                  "local-gateway.knative-serving.knative-local-gateway":"knative-local-gateway.istio-system.svc.cluster.local"}}}}
    """

    static let monitoringPolicy = """
    {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
     "metadata":{"name":"allow-from-openshift-monitoring-ns","namespace":"knative-serving"},
     "spec":{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"name":"openshift-monitoring"}}}]}],
             "podSelector":{}}}
    """

    static let servingSystemPolicy = """
    {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
     "metadata":{"name":"allow-from-serving-system-namespace","namespace":"serverless-apps"},
     "spec":{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"knative.openshift.io/part-of":"openshift-serverless"}}}]}],
             "podSelector":{},"policyTypes":["Ingress"]}}
    """
}

/// A validation decision, read the way the mesh tests ask about it. A value; any thread.
struct MeshVerdict {
    let decision: PolicyDecision

    var allowed: Bool { decision.response.allowed }
    var code: Int? { decision.response.status?.code }
    var reason: String? { decision.response.status?.reason }
    var message: String { decision.response.status?.message ?? "" }
    /// One line per denial.
    var denialLines: [String] { message.isEmpty ? [] : message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    var warnings: [String] { decision.response.warnings }
    var deniedIDs: [String] { decision.findings.filter { $0.effect == .deny }.map(\.ruleID) }
    var warnedIDs: [String] { decision.findings.filter { $0.effect == .warn }.map(\.ruleID) }
    /// Every rule that fired, with any effect.
    var firedIDs: [String] { decision.findings.map(\.ruleID) }

    func denied(_ id: String) -> Bool { deniedIDs.contains(id) }
    func warned(_ id: String) -> Bool { warnedIDs.contains(id) }
    /// The text of `id`'s denial line or warning, without the `[ID] ` prefix.
    func text(of id: String) -> String? {
        decision.findings.first { $0.ruleID == id }?.message
    }
}

/// Builds requests for the mesh tests and runs them through the whole policy. Stateless.
enum MeshCheck {
    /// A configuration edited from the documented defaults.
    static func configuration(_ edit: (inout PolicyConfiguration) -> Void = { _ in }) -> PolicyConfiguration {
        var configuration = PolicyConfiguration()
        edit(&configuration)
        return configuration
    }

    static let kourier = configuration { $0.integration = .kourier }

    /// A request as the API server sends it for `object` (name and namespace from its metadata).
    static func request(_ kind: GroupVersionKind, _ object: JSONValue, operation: AdmissionOperation = .create,
                        oldObject: JSONValue? = nil) -> AdmissionRequest {
        AdmissionRequest(
            uid: "00000000-0000-4000-8000-000000000001", kind: kind, resource: MeshKinds.resource(for: kind),
            requestKind: kind, requestResource: MeshKinds.resource(for: kind),
            name: object["metadata", "name"]?.stringValue, namespace: object["metadata", "namespace"]?.stringValue,
            operation: operation, object: operation == .delete ? nil : object,
            oldObject: operation == .create ? nil : (oldObject ?? object))
    }

    /// Validates `object` of `kind` under `configuration`.
    static func validate(_ kind: GroupVersionKind, _ object: JSONValue, _ configuration: PolicyConfiguration = PolicyConfiguration(),
                         operation: AdmissionOperation = .create) -> MeshVerdict {
        MeshVerdict(decision: Policy(configuration: configuration).validate(request(kind, object, operation: operation)))
    }

    /// Parses a JSON text of the tests.
    static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }
}

extension JSONValue {
    /// A copy with the value at `path` replaced (created, with missing parent objects) or, for
    /// nil, removed. Decimal components index arrays.
    func setting(_ path: [String], to newValue: JSONValue?) -> JSONValue {
        guard let key = path.first else { return newValue ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .array(var array):
            guard let index = Int(key), array.indices.contains(index) else { return self }
            if rest.isEmpty, newValue == nil {
                array.remove(at: index)
            } else {
                array[index] = array[index].setting(rest, to: newValue)
            }
            return .array(array)
        default:
            var object = objectValue ?? JSONObject()
            if rest.isEmpty, newValue == nil {
                _ = object.removeValue(forKey: key)
            } else {
                object.set(key, to: (object[key] ?? .null).setting(rest, to: newValue))
            }
            return .object(object)
        }
    }

    /// Shorthand for `setting(path.split("."), to:)` with keys that hold no dots.
    func setting(_ dotted: String, to newValue: JSONValue?) -> JSONValue {
        setting(dotted.split(separator: ".").map(String.init), to: newValue)
    }
}

/// Checks of the message format (policy.md): `[ID] what; why (doc §N.N). Fix: ...`, one line,
/// no control characters.
enum MeshMessageFormat {
    static func isWellFormed(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            && text.hasPrefix("[") && text.contains("(doc §") && text.contains("Fix: ")
    }
}

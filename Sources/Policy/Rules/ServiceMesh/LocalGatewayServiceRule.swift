// SVC-LOCAL-GATEWAY: the knative-local-gateway Service maps port 80 to the gateway's 8081, untranslated (doc §1.3).
import Admission

/// SVC-LOCAL-GATEWAY (policy.md; doc §1.3 HTTP example). A stateless rule value; any thread.
/// Judges the v1 Service `knative-local-gateway` in `meshNamespace` in mesh-ingress mode: a
/// port 80 whose `targetPort` is 8081 (the number, or the string "8081"; a named port cannot be
/// proven to be 8081 and is denied; an absent targetPort means 80), and the label
/// `experimental.istio.io/disable-gateway-port-translation: "true"`. One denial lists what is
/// missing. It deliberately does not check the selector or the HTTPS variant's port 443.
struct LocalGatewayServiceRule: ValidationRule {
    static let id = "SVC-LOCAL-GATEWAY"
    static let serviceName = "knative-local-gateway"
    static let translationLabel = "experimental.istio.io/disable-gateway-port-translation"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress
            && context.isMeshObject(.service, named: Self.serviceName, in: context.configuration.meshNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        var problems: [String] = []
        var fixes: [String] = []
        let ports = try context.object.objectList(at: ["spec", "ports"]) ?? []
        var port80Targets: [String] = []
        var hasGoodPort = false
        for (index, entry) in ports.enumerated() {
            let prefix = "spec.ports[\(index)]"
            let number = try reading(prefix) { () throws(MalformedObject) -> Int64? in try entry.wholeNumber(at: ["port"]) }
            guard number == 80 else { continue }
            let target = try reading(prefix) { () throws(MalformedObject) -> JSONView? in try entry.lookup(["targetPort"]) }
            if let target {
                if let value = target.numberValue {
                    if value.int64Value == 8081 { hasGoodPort = true } else { port80Targets.append(value.text) }
                } else if let value = target.stringValue {
                    if value == "8081" { hasGoodPort = true } else { port80Targets.append(MeshMessage.quoted(value, limit: 16)) }
                } else {
                    throw MalformedObject(path: "\(prefix).targetPort", expected: "a number or a string")
                }
            } else {
                port80Targets.append("none (so 80)")
            }
        }
        if !hasGoodPort {
            if let first = port80Targets.first {
                problems.append("port 80 has targetPort \(first), not 8081")
            } else {
                problems.append("spec.ports has no port 80")
            }
            fixes.append("expose port 80 with targetPort 8081")
        }
        let label = try context.object.stringMap(at: ["metadata", "labels"])?[Self.translationLabel]
        if label != "true" {
            let state = label.map { "is \(MeshMessage.quoted($0, limit: 16))" } ?? "is missing"
            problems.append("label \(Self.translationLabel) \(state)")
            fixes.append("set that label to \"true\"")
        }
        guard !problems.isEmpty else { return [] }
        return [context.finding(Self.id, .deny,
            "\(problems.joined(separator: ", ")); cluster-local traffic must reach the gateway's port 8081 without port translation (doc §1.3). Fix: \(fixes.joined(separator: " and ")).")]
    }
}

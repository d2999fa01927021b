// GW-SELECTOR: the two Knative gateways select the mesh ingress gateway pods (doc §1.3).

/// GW-SELECTOR (policy.md; doc §1.3). A stateless rule value; any thread. Judges the Gateways
/// `knative-ingress-gateway` and `knative-local-gateway` in `servingNamespace` in mesh-ingress
/// mode: an absent or empty `spec.selector` is denied; one that differs from
/// `gateways.selector` (as a whole map) warns. It deliberately does not check that pods with
/// those labels exist.
struct GatewaySelectorRule: ValidationRule {
    static let id = "GW-SELECTOR"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        guard context.isMeshIngress, context.isMeshObject(.gateway, in: context.configuration.servingNamespace) else { return false }
        return context.name == IngressGatewayRule.gatewayName || context.name == LocalGatewayRule.gatewayName
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let selector = try context.object.stringMap(at: ["spec", "selector"]) ?? [:]
        let expected = context.configuration.gateways.selector
        if selector.isEmpty {
            return [context.finding(Self.id, .deny,
                "spec.selector is empty; the Gateway must bind to the Service Mesh ingress gateway pods (doc §1.3). Fix: set spec.selector to \(MeshMessage.labels(expected)).")]
        }
        guard selector != expected else { return [] }
        let text = MeshMessage.fitted(Self.id) { limit in
            "selector \(MeshMessage.labels(selector, limit: limit)) is not \(MeshMessage.labels(expected, limit: limit)) (doc §1.3). Fix: check the pods match."
        }
        return [context.finding(Self.id, .warn, text)]
    }
}

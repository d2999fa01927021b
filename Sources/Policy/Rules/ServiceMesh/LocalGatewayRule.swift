// GW-LOCAL: knative-local-gateway's servers each have one documented shape (doc §1.3).

/// GW-LOCAL (policy.md; doc §1.3). A stateless rule value; any thread. Judges the Gateway
/// `knative-local-gateway` in `servingNamespace` in mesh-ingress mode: it needs at least one
/// server, and every server must be one of port 8081 HTTP; port 443 HTTPS with `SIMPLE` and a
/// `credentialName`; port 8081 HTTPS with `ISTIO_MUTUAL` (1.31+). One denial names every
/// server that fits none. It deliberately does not check the matching Service (SVC-LOCAL-GATEWAY
/// does) or the credential's name.
struct LocalGatewayRule: ValidationRule {
    static let id = "GW-LOCAL"
    static let gatewayName = "knative-local-gateway"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress
            && context.isMeshObject(.gateway, named: Self.gatewayName, in: context.configuration.servingNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let servers = try GatewayServer.servers(of: context.object)
        let why = "cluster-local traffic reaches Knative Services only through a documented local gateway (doc §1.3)"
        let fix = "Fix: use port 8081 HTTP, port 443 HTTPS with SIMPLE and a credentialName, or port 8081 HTTPS with ISTIO_MUTUAL."
        guard !servers.isEmpty else {
            return [context.finding(Self.id, .deny, "spec.servers is empty; \(why). \(fix)")]
        }
        let misfits = servers.filter { !Self.isDocumentedShape($0) }
        guard !misfits.isEmpty else { return [] }
        let listed = misfits.prefix(3).map(\.summary).joined(separator: ", ")
        let more = misfits.count > 3 ? " and \(misfits.count - 3) more" : ""
        let verb = misfits.count == 1 ? "matches" : "match"
        return [context.finding(Self.id, .deny, "\(listed)\(more) \(verb) no documented local gateway server; \(why). \(fix)")]
    }

    static func isDocumentedShape(_ server: GatewayServer) -> Bool {
        switch (server.port, server.protocolName) {
        case (8081, "HTTP"): return true
        case (443, "HTTPS"): return server.tlsMode == "SIMPLE" && server.hasCredentialName
        case (8081, "HTTPS"): return server.tlsMode == "ISTIO_MUTUAL"
        default: return false
        }
    }
}

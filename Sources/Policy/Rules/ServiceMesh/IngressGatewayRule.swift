// GW-INGRESS: knative-ingress-gateway serves HTTPS on 443 with SIMPLE TLS and a credential (doc §1.3, §1.2).

/// GW-INGRESS (policy.md; doc §1.3, secret name doc §1.2). A stateless rule value; any thread.
/// Judges the Gateway `knative-ingress-gateway` in `servingNamespace` in mesh-ingress mode: it
/// needs a server on port 443, protocol HTTPS, `tls.mode: SIMPLE`, non-empty
/// `tls.credentialName` (denied otherwise, describing the first server on 443); when that
/// server's credential is not `gateways.credentialName` it warns. It deliberately does not
/// require the HTTP server on port 80, nor check hosts.
struct IngressGatewayRule: ValidationRule {
    static let id = "GW-INGRESS"
    static let gatewayName = "knative-ingress-gateway"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress
            && context.isMeshObject(.gateway, named: Self.gatewayName, in: context.configuration.servingNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let servers = try GatewayServer.servers(of: context.object)
        let expected = context.configuration.gateways.credentialName
        if let good = servers.first(where: { $0.port == 443 && $0.isHTTPS && $0.tlsMode == "SIMPLE" && $0.hasCredentialName }) {
            guard let name = good.credentialName, name != expected else { return [] }
            let text = MeshMessage.fitted(Self.id) { limit in
                "tls.credentialName \(MeshMessage.quoted(name, limit: limit)) is not \(MeshMessage.quoted(expected, limit: limit)) (doc §1.2). Fix: check it is in \(context.configuration.meshNamespace)."
            }
            return [context.finding(Self.id, .warn, text)]
        }
        let why = "Serverless ingress through the mesh needs HTTPS with the wildcard certificate (doc §1.3)"
        let fix = "Fix: serve port 443 with protocol HTTPS, tls.mode SIMPLE and tls.credentialName \(expected)."
        guard let server = servers.first(where: { $0.port == 443 }) else {
            return [context.finding(Self.id, .deny, "spec.servers has no server on port 443; \(why). \(fix)")]
        }
        var problems: [String] = []
        if !server.isHTTPS { problems.append(server.protocolName.map { "protocol \(MeshMessage.quoted($0, limit: 12))" } ?? "no protocol") }
        if !server.hasTLS {
            problems.append("no tls")
        } else {
            if server.tlsMode != "SIMPLE" { problems.append(server.tlsMode.map { "tls.mode \(MeshMessage.quoted($0, limit: 16))" } ?? "no tls.mode") }
            if !server.hasCredentialName { problems.append("no tls.credentialName") }
        }
        return [context.finding(Self.id, .deny,
            "spec.servers[\(server.index)] on port 443 has \(problems.joined(separator: ", ")); \(why). \(fix)")]
    }
}

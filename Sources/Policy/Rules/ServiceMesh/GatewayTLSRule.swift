// GW-TLS: every HTTPS server of a Serving gateway has TLS settings with a certificate (doc §1.3).

/// GW-TLS (policy.md; doc §1.3). A stateless rule value; any thread. Judges every Gateway in
/// `servingNamespace`, in both modes: each HTTPS server needs `tls`; each server with
/// `tls.mode` SIMPLE or MUTUAL needs a `credentialName` or certificate files
/// (`serverCertificate` + `privateKey`, MUTUAL also `caCertificates`). One denial names every
/// such server. It deliberately does not check that the secret or files exist.
struct GatewayTLSRule: ValidationRule {
    static let id = "GW-TLS"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.gateway, in: context.configuration.servingNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        var problems: [String] = []
        for server in try GatewayServer.servers(of: context.object) {
            if server.isHTTPS && !server.hasTLS {
                problems.append("spec.servers[\(server.index)] is HTTPS without tls")
            } else if let mode = server.tlsMode, mode == "SIMPLE" || mode == "MUTUAL", !server.hasTerminationCredentials {
                problems.append("spec.servers[\(server.index)] has tls.mode \(mode) without tls.credentialName")
            }
        }
        guard !problems.isEmpty else { return [] }
        let listed = problems.prefix(3).joined(separator: ", ")
        let more = problems.count > 3 ? " and \(problems.count - 3) more" : ""
        return [context.finding(Self.id, .deny,
            "\(listed)\(more); the gateway cannot terminate TLS without a certificate (doc §1.3). Fix: set tls.mode SIMPLE and tls.credentialName to a TLS secret in \(context.configuration.meshNamespace).")]
    }
}

// The few fields of one Istio Gateway server the gateway rules read: port, protocol and TLS settings.
import Admission

/// One entry of an Istio Gateway's `spec.servers`, reduced to what GW-INGRESS, GW-LOCAL and
/// GW-TLS judge. A value read per review; any thread. Protocols compare case-insensitively (as
/// Istio parses them), TLS modes exactly (protobuf enum names). It deliberately ignores hosts,
/// bind addresses and every other TLS field.
struct GatewayServer: Sendable {
    /// Position in `spec.servers`, for messages.
    let index: Int
    let port: Int64?
    /// `port.protocol`, upper-cased.
    let protocolName: String?
    let hasTLS: Bool
    let tlsMode: String?
    let credentialName: String?
    let serverCertificate: String?
    let privateKey: String?
    let caCertificates: String?

    /// `spec.servers` of a Gateway; empty when absent. Throws when it is not a list of objects
    /// or a field read has the wrong type.
    static func servers(of object: JSONView) throws(MalformedObject) -> [GatewayServer] {
        guard let list = try object.array(at: ["spec", "servers"]) else { return [] }
        var servers: [GatewayServer] = []
        servers.reserveCapacity(list.count)
        for (index, element) in list.enumerated() {
            let prefix = "spec.servers[\(index)]"
            guard element.isObject else { throw MalformedObject(path: prefix, expected: "an object") }
            let server = try reading(prefix) { () throws(MalformedObject) -> GatewayServer in
                let tls = try element.object(at: ["tls"])
                return GatewayServer(
                    index: index,
                    port: try element.wholeNumber(at: ["port", "number"]),
                    protocolName: try element.string(at: ["port", "protocol"])?.uppercased(),
                    hasTLS: tls != nil,
                    tlsMode: try element.string(at: ["tls", "mode"]),
                    credentialName: try element.string(at: ["tls", "credentialName"]),
                    serverCertificate: try element.string(at: ["tls", "serverCertificate"]),
                    privateKey: try element.string(at: ["tls", "privateKey"]),
                    caCertificates: try element.string(at: ["tls", "caCertificates"]))
            }
            servers.append(server)
        }
        return servers
    }

    var isHTTPS: Bool { protocolName == "HTTPS" }
    var hasCredentialName: Bool { !(credentialName ?? "").isEmpty }

    /// SIMPLE or MUTUAL termination has what it needs: a `credentialName`, or certificate files
    /// (`serverCertificate` and `privateKey`; MUTUAL also `caCertificates`).
    var hasTerminationCredentials: Bool {
        if hasCredentialName { return true }
        let files = !(serverCertificate ?? "").isEmpty && !(privateKey ?? "").isEmpty
        return tlsMode == "MUTUAL" ? files && !(caCertificates ?? "").isEmpty : files
    }

    /// `spec.servers[1] (port 443, HTTPS, tls.mode SIMPLE)`, for messages.
    var summary: String {
        var parts = ["port \(port.map(String.init) ?? "unset")", protocolName.map { MeshMessage.quoted($0, limit: 12) } ?? "no protocol"]
        if let tlsMode { parts.append("tls.mode \(MeshMessage.quoted(tlsMode, limit: 16))") }
        return "spec.servers[\(index)] (\(parts.joined(separator: ", ")))"
    }
}

// GW-INGRESS, GW-LOCAL, GW-SELECTOR and GW-TLS through the whole policy.
import Testing
import Admission
@testable import Policy

/// GW-* behaviour on the documented Gateways and their variants.
@Suite("Istio Gateway rules")
struct GatewayRuleTests {
    let ingress: JSONValue
    let local: JSONValue

    init() throws {
        ingress = try MeshCheck.json(MeshExamples.ingressGateway)
        local = try MeshCheck.json(MeshExamples.localGateway)
    }

    static func server(_ port: Int, _ protocolName: String, mode: String? = nil, credential: String? = nil) -> JSONValue {
        var server: JSONValue = ["port": ["number": .number(JSONNumber(port)), "name": "p", "protocol": .string(protocolName)], "hosts": ["*"]]
        if let mode { server = server.setting("tls.mode", to: .string(mode)) }
        if let credential { server = server.setting("tls.credentialName", to: .string(credential)) }
        return server
    }

    func servers(_ gateway: JSONValue, _ list: [JSONValue]) -> JSONValue {
        gateway.setting("spec.servers", to: .array(list))
    }

    @Test(arguments: ["v1alpha3", "v1beta1", "v1"])
    func documentedGatewaysAreAllowedInEveryVersion(version: String) {
        let kind = GroupVersionKind(group: "networking.istio.io", version: version, kind: "Gateway")
        for gateway in [ingress, local] {
            let verdict = MeshCheck.validate(kind, gateway)
            #expect(verdict.allowed)
            #expect(verdict.firedIDs.isEmpty)
        }
    }

    @Test func ingressGatewayWithoutPort443IsDenied() {
        let verdict = MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(80, "HTTP")]))
        #expect(verdict.message == "[GW-INGRESS] spec.servers has no server on port 443; Serverless ingress through the mesh needs HTTPS with the wildcard certificate (doc §1.3). Fix: serve port 443 with protocol HTTPS, tls.mode SIMPLE and tls.credentialName wildcard-certs.")
    }

    @Test func ingressGatewayServerOn443IsDescribed() {
        let passthrough = servers(ingress, [Self.server(443, "TLS", mode: "PASSTHROUGH")])
        let verdict = MeshCheck.validate(MeshKinds.gateway, passthrough)
        #expect(verdict.deniedIDs == ["GW-INGRESS"])
        #expect(verdict.message.hasPrefix("[GW-INGRESS] spec.servers[0] on port 443 has protocol \"TLS\", tls.mode \"PASSTHROUGH\", no tls.credentialName; "))
        let noTLS = MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(443, "HTTPS")]))
        #expect(noTLS.deniedIDs == ["GW-INGRESS", "GW-TLS"])
        #expect(noTLS.denialLines.count == 2)
        #expect(noTLS.denialLines[0].hasPrefix("[GW-INGRESS] spec.servers[0] on port 443 has no tls; "))
        #expect(noTLS.denialLines[1] == "[GW-TLS] spec.servers[0] is HTTPS without tls; the gateway cannot terminate TLS without a certificate (doc §1.3). Fix: set tls.mode SIMPLE and tls.credentialName to a TLS secret in istio-system.")
    }

    @Test func protocolCaseDoesNotMatterButTLSModeDoes() {
        #expect(MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(443, "https", mode: "SIMPLE", credential: "wildcard-certs")])).allowed)
        let lower = MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(443, "HTTPS", mode: "simple", credential: "wildcard-certs")]))
        #expect(lower.deniedIDs == ["GW-INGRESS"])
    }

    @Test func anotherCredentialNameOnlyWarns() {
        let verdict = MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(443, "HTTPS", mode: "SIMPLE", credential: "my-certs")]))
        #expect(verdict.allowed)
        #expect(verdict.warnings == ["[GW-INGRESS] tls.credentialName \"my-certs\" is not \"wildcard-certs\" (doc §1.2). Fix: check it is in istio-system."])
        let configured = MeshCheck.configuration { $0.gateways.credentialName = "my-certs" }
        #expect(MeshCheck.validate(MeshKinds.gateway, servers(ingress, [Self.server(443, "HTTPS", mode: "SIMPLE", credential: "my-certs")]), configured).firedIDs.isEmpty)
    }

    @Test func meshIngressOnlyGatewayRulesAreOffInKourierMode() {
        let bad = servers(ingress, [Self.server(80, "HTTP")]).setting("spec.selector", to: nil)
        #expect(MeshCheck.validate(MeshKinds.gateway, bad, MeshCheck.kourier).firedIDs.isEmpty)
        let badLocal = servers(local, [Self.server(80, "HTTP")])
        #expect(MeshCheck.validate(MeshKinds.gateway, badLocal, MeshCheck.kourier).firedIDs.isEmpty)
    }

    @Test func gatewaysOutsideTheServingNamespaceOrWithOtherNamesAreIgnored() {
        let bad = servers(ingress, [Self.server(443, "HTTPS")]).setting("spec.selector", to: nil)
        #expect(MeshCheck.validate(MeshKinds.gateway, bad.setting("metadata.namespace", to: "apps")).firedIDs.isEmpty)
        let renamed = MeshCheck.validate(MeshKinds.gateway, bad.setting("metadata.name", to: "my-gateway"))
        #expect(renamed.deniedIDs == ["GW-TLS"])
        let alpha1 = GroupVersionKind(group: "networking.istio.io", version: "v1alpha1", kind: "Gateway")
        #expect(MeshCheck.validate(alpha1, bad).firedIDs.isEmpty)
    }

    @Test func localGatewayAcceptsTheThreeDocumentedShapes() {
        let shapes = [Self.server(8081, "HTTP"), Self.server(443, "HTTPS", mode: "SIMPLE", credential: "wildcard-certs"),
                      Self.server(8081, "HTTPS", mode: "ISTIO_MUTUAL")]
        for shape in shapes {
            #expect(MeshCheck.validate(MeshKinds.gateway, servers(local, [shape])).firedIDs.isEmpty)
        }
        #expect(MeshCheck.validate(MeshKinds.gateway, servers(local, shapes)).firedIDs.isEmpty)
    }

    @Test func localGatewayServersOfOtherShapesAreDenied() {
        let verdict = MeshCheck.validate(MeshKinds.gateway, servers(local, [Self.server(8081, "HTTP"), Self.server(80, "HTTP"), Self.server(8081, "HTTPS", mode: "SIMPLE", credential: "c")]))
        #expect(verdict.message == "[GW-LOCAL] spec.servers[1] (port 80, \"HTTP\"), spec.servers[2] (port 8081, \"HTTPS\", tls.mode \"SIMPLE\") match no documented local gateway server; cluster-local traffic reaches Knative Services only through a documented local gateway (doc §1.3). Fix: use port 8081 HTTP, port 443 HTTPS with SIMPLE and a credentialName, or port 8081 HTTPS with ISTIO_MUTUAL.")
        #expect(MeshCheck.validate(MeshKinds.gateway, servers(local, [])).message.hasPrefix("[GW-LOCAL] spec.servers is empty; "))
    }

    @Test func emptySelectorIsDeniedAndAnotherSelectorWarns() {
        let empty = MeshCheck.validate(MeshKinds.gateway, local.setting("spec.selector", to: .object(JSONObject())))
        #expect(empty.message == "[GW-SELECTOR] spec.selector is empty; the Gateway must bind to the Service Mesh ingress gateway pods (doc §1.3). Fix: set spec.selector to {istio: ingressgateway}.")
        #expect(MeshCheck.validate(MeshKinds.gateway, ingress.setting("spec.selector", to: nil)).deniedIDs == ["GW-SELECTOR"])
        let other = MeshCheck.validate(MeshKinds.gateway, ingress.setting("spec.selector", to: ["knative": "ingressgateway"]))
        #expect(other.allowed)
        #expect(other.warnings == ["[GW-SELECTOR] selector {knative: ingressgateway} is not {istio: ingressgateway} (doc §1.3). Fix: check the pods match."])
    }

    @Test func configuredSelectorIsTheExpectedOne() {
        let configuration = MeshCheck.configuration { $0.gateways.selector = ["knative": "ingressgateway"] }
        #expect(MeshCheck.validate(MeshKinds.gateway, ingress.setting("spec.selector", to: ["knative": "ingressgateway"]), configuration).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.gateway, ingress, configuration).warnedIDs == ["GW-SELECTOR"])
    }

    @Test func tlsRuleAppliesToAnyGatewayInTheServingNamespaceInBothModes() {
        let custom = servers(ingress, [Self.server(443, "HTTPS", mode: "MUTUAL"), Self.server(8443, "TLS", mode: "SIMPLE"), Self.server(9443, "TLS", mode: "PASSTHROUGH")])
            .setting("metadata.name", to: "custom-gateway")
        for configuration in [PolicyConfiguration(), MeshCheck.kourier] {
            let verdict = MeshCheck.validate(MeshKinds.gateway, custom, configuration)
            #expect(verdict.deniedIDs == ["GW-TLS"])
            #expect(verdict.message.hasPrefix("[GW-TLS] spec.servers[0] has tls.mode MUTUAL without tls.credentialName, spec.servers[1] has tls.mode SIMPLE without tls.credentialName; "))
        }
    }

    @Test func certificateFilesStandInForACredentialName() {
        let files = Self.server(443, "HTTPS", mode: "SIMPLE")
            .setting("tls.serverCertificate", to: "/etc/certs/tls.crt").setting("tls.privateKey", to: "/etc/certs/tls.key")
        let gateway = servers(ingress, [files]).setting("metadata.name", to: "custom-gateway")
        #expect(MeshCheck.validate(MeshKinds.gateway, gateway).firedIDs.isEmpty)
        let mutual = servers(ingress, [files.setting("tls.mode", to: "MUTUAL")]).setting("metadata.name", to: "custom-gateway")
        #expect(MeshCheck.validate(MeshKinds.gateway, mutual).deniedIDs == ["GW-TLS"])
        let withCA = servers(ingress, [files.setting("tls.mode", to: "MUTUAL").setting("tls.caCertificates", to: "/etc/certs/ca.crt")])
        #expect(MeshCheck.validate(MeshKinds.gateway, withCA.setting("metadata.name", to: "custom-gateway")).firedIDs.isEmpty)
    }

    @Test func serversThatAreNotAListAreMalformed() {
        let verdict = MeshCheck.validate(MeshKinds.gateway, ingress.setting("spec.servers", to: "443"))
        #expect(!verdict.allowed)
        #expect(verdict.code == 400)
        #expect(verdict.denialLines == ["[GW-INGRESS] spec.servers must be a list."], "reported once, by the first rule that read it")
    }

    @Test func malformedServerFieldsNameTheirPath() {
        let badPort = MeshCheck.validate(MeshKinds.gateway, servers(local, [Self.server(8081, "HTTP").setting("port.number", to: "8081")]))
        #expect(badPort.denialLines.contains("[GW-LOCAL] spec.servers[0].port.number must be a whole number."))
        let badTLS = MeshCheck.validate(MeshKinds.gateway, servers(local, [Self.server(8081, "HTTP").setting("tls", to: "SIMPLE")]))
        #expect(badTLS.denialLines.contains { $0.hasSuffix("] spec.servers[0].tls must be an object.") })
        let badEntry = MeshCheck.validate(MeshKinds.gateway, servers(local, [8081]))
        #expect(badEntry.denialLines.contains("[GW-LOCAL] spec.servers[0] must be an object."))
        let badSelector = MeshCheck.validate(MeshKinds.gateway, local.setting("spec.selector", to: ["istio": true]))
        #expect(badSelector.denialLines == ["[GW-SELECTOR] spec.selector[\"istio\"] must be a string."])
    }
}

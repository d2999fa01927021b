// SVC-LOCAL-GATEWAY through the whole policy.
import Testing
import Admission
@testable import Policy

/// SVC-LOCAL-GATEWAY behaviour on the documented Service and its variants.
@Suite("knative-local-gateway Service rule")
struct GatewayLocalServiceTests {
    let service: JSONValue
    static let label = ["metadata", "labels", "experimental.istio.io/disable-gateway-port-translation"]

    init() throws {
        service = try MeshCheck.json(MeshExamples.localGatewayService)
    }

    func ports(_ list: JSONValue) -> JSONValue { service.setting("spec.ports", to: list) }

    @Test func documentedServiceIsAllowed() {
        #expect(MeshCheck.validate(MeshKinds.service, service).firedIDs.isEmpty)
    }

    @Test func targetPortMayBeANumericString() {
        #expect(MeshCheck.validate(MeshKinds.service, ports([["name": "http2", "port": 80, "targetPort": "8081"]])).firedIDs.isEmpty)
    }

    @Test func wrongNamedOrAbsentTargetPortIsDenied() {
        let wrong = MeshCheck.validate(MeshKinds.service, ports([["port": 80, "targetPort": 8080]]))
        #expect(wrong.message == "[SVC-LOCAL-GATEWAY] port 80 has targetPort 8080, not 8081; cluster-local traffic must reach the gateway's port 8081 without port translation (doc §1.3). Fix: expose port 80 with targetPort 8081.")
        let named = MeshCheck.validate(MeshKinds.service, ports([["port": 80, "targetPort": "http2"]]))
        #expect(named.message.hasPrefix("[SVC-LOCAL-GATEWAY] port 80 has targetPort \"http2\", not 8081; "))
        let absent = MeshCheck.validate(MeshKinds.service, ports([["port": 80]]))
        #expect(absent.message.hasPrefix("[SVC-LOCAL-GATEWAY] port 80 has targetPort none (so 80), not 8081; "))
        let noPort = MeshCheck.validate(MeshKinds.service, ports([["port": 443, "targetPort": 8444]]))
        #expect(noPort.message.hasPrefix("[SVC-LOCAL-GATEWAY] spec.ports has no port 80; "))
    }

    @Test func anyPort80EntryWithTarget8081Suffices() {
        let list: JSONValue = [["port": 80, "targetPort": 8080, "protocol": "UDP"], ["port": 80, "targetPort": 8081]]
        #expect(MeshCheck.validate(MeshKinds.service, ports(list)).firedIDs.isEmpty)
    }

    @Test func missingOrFalseTranslationLabelIsDeniedWithThePortProblemOnOneLine() {
        let both = MeshCheck.validate(MeshKinds.service, ports([]).setting("metadata.labels", to: nil))
        #expect(both.denialLines == ["[SVC-LOCAL-GATEWAY] spec.ports has no port 80, label experimental.istio.io/disable-gateway-port-translation is missing; cluster-local traffic must reach the gateway's port 8081 without port translation (doc §1.3). Fix: expose port 80 with targetPort 8081 and set that label to \"true\"."])
        let off = MeshCheck.validate(MeshKinds.service, service.setting(Self.label, to: "false"))
        #expect(off.message.hasPrefix("[SVC-LOCAL-GATEWAY] label experimental.istio.io/disable-gateway-port-translation is \"false\"; "))
    }

    @Test func ruleIsOffInKourierModeAndForOtherServices() {
        let bad = ports([])
        #expect(MeshCheck.validate(MeshKinds.service, bad, MeshCheck.kourier).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.service, bad.setting("metadata.namespace", to: "knative-serving")).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.service, bad.setting("metadata.name", to: "istio-ingressgateway")).firedIDs.isEmpty)
        let ksvc = GroupVersionKind(group: "serving.knative.dev", version: "v1", kind: "Service")
        #expect(!MeshCheck.validate(ksvc, bad).firedIDs.contains("SVC-LOCAL-GATEWAY"))
    }

    @Test func configuredMeshNamespaceIsWhereTheServiceIsJudged() {
        let configuration = MeshCheck.configuration { $0.meshNamespace = "mesh" }
        let bad = ports([])
        #expect(MeshCheck.validate(MeshKinds.service, bad, configuration).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.service, bad.setting("metadata.namespace", to: "mesh"), configuration).deniedIDs == ["SVC-LOCAL-GATEWAY"])
    }

    @Test func malformedPortsAreBadRequests() {
        #expect(MeshCheck.validate(MeshKinds.service, ports("80")).message == "[SVC-LOCAL-GATEWAY] spec.ports must be a list.")
        #expect(MeshCheck.validate(MeshKinds.service, ports([["port": 80, "targetPort": true]])).message == "[SVC-LOCAL-GATEWAY] spec.ports[0].targetPort must be a number or a string.")
        #expect(MeshCheck.validate(MeshKinds.service, ports([["port": "80"]])).code == 400)
    }
}

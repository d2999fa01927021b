// SMCP-VERSION, SMCP-MTLS and SMCP-METRICS-PORTS through the whole policy.
import Testing
import Admission
@testable import Policy

/// SMCP-* behaviour on the documented control plane and its variants. Swift Testing runs each test on any thread.
@Suite("ServiceMeshControlPlane rules")
struct ServiceMeshControlPlaneTests {
    let plane: JSONValue

    init() throws {
        plane = try MeshCheck.json(MeshExamples.controlPlane)
    }

    func version(_ text: String) -> JSONValue { plane.setting("spec.version", to: .string(text)) }

    @Test func documentedControlPlaneIsAllowed() {
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane)
        #expect(verdict.allowed)
        #expect(verdict.firedIDs.isEmpty)
    }

    @Test(arguments: ["v1.1", "v2.0", "v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v2.6"])
    func knownVersionsPassInKourierMode(text: String) {
        #expect(MeshCheck.validate(MeshKinds.controlPlane, version(text), MeshCheck.kourier).firedIDs.isEmpty)
    }

    @Test func unsetVersionPasses() {
        #expect(MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.version", to: nil)).firedIDs.isEmpty)
    }

    @Test(arguments: ["v2.7", "v2.10", "v3.0", "v1.0"])
    func unknownVersionsAreDeniedInBothModes(text: String) {
        for configuration in [PolicyConfiguration(), MeshCheck.kourier] {
            let verdict = MeshCheck.validate(MeshKinds.controlPlane, version(text), configuration)
            #expect(verdict.deniedIDs == ["SMCP-VERSION"])
            #expect(verdict.code == 403)
            #expect(verdict.message.contains("is not one of v1.1, v2.0 … v2.6"))
        }
    }

    @Test(arguments: ["2.4", "v2", "v2.4.1", "v02.4", "latest", ""])
    func malformedVersionsAreInvalid(text: String) {
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, version(text))
        #expect(verdict.deniedIDs == ["SMCP-VERSION"])
        #expect(verdict.code == 422)
    }

    @Test func versionOneIsDeniedOnlyInMeshIngressMode() {
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, version("v1.1"))
        #expect(verdict.message == "[SMCP-VERSION] spec.version v1.1 is older than v2.0; Serverless with Service Mesh as its only ingress needs Service Mesh 2.0.5 or later (doc §1.3). Fix: set spec.version to v2.0 or later.")
        #expect(MeshCheck.validate(MeshKinds.controlPlane, version("v1.1"), MeshCheck.kourier).allowed)
    }

    @Test func customMinimumVersionComparesNumerically() {
        let configuration = MeshCheck.configuration { $0.controlPlane.minVersion = "v2.2" }
        #expect(MeshCheck.validate(MeshKinds.controlPlane, version("v2.1"), configuration).deniedIDs == ["SMCP-VERSION"])
        #expect(MeshCheck.validate(MeshKinds.controlPlane, version("v2.2"), configuration).allowed)
        #expect(MeshCheck.validate(MeshKinds.controlPlane, version("v2.6"), configuration).allowed)
        #expect(MeshVersion("v2.10") ?? MeshVersion(major: 0, minor: 0) > MeshVersion(major: 2, minor: 6))
    }

    @Test func versionThatIsNotAStringIsMalformed() {
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.version", to: .number(JSONNumber(text: "2.4") ?? JSONNumber(2))))
        #expect(verdict.code == 400)
        #expect(verdict.message == "[SMCP-VERSION] spec.version must be a string.")
    }

    @Test func missingOrFalseMTLSIsDeniedInMeshIngressMode() {
        let off = MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.security.dataPlane.mtls", to: false))
        #expect(off.message == "[SMCP-MTLS] spec.security.dataPlane.mtls is false; Serverless on Service Mesh is documented with mTLS between all workloads (doc §1.3). Fix: set spec.security.dataPlane.mtls: true.")
        let unset = MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.security", to: nil))
        #expect(unset.deniedIDs == ["SMCP-MTLS"])
        #expect(unset.message.contains("is not set"))
    }

    @Test func mtlsIsNotRequiredInKourierModeOrWhenConfiguredOff() {
        let off = plane.setting("spec.security.dataPlane.mtls", to: false)
        #expect(MeshCheck.validate(MeshKinds.controlPlane, off, MeshCheck.kourier).allowed)
        let relaxed = MeshCheck.configuration { $0.controlPlane.requireMTLS = false }
        #expect(MeshCheck.validate(MeshKinds.controlPlane, off, relaxed).allowed)
    }

    @Test func mtlsGivenAsAStringIsMalformed() {
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.security.dataPlane.mtls", to: "true"))
        #expect(verdict.code == 400)
        #expect(verdict.denialLines.contains("[SMCP-MTLS] spec.security.dataPlane.mtls must be a boolean."))
    }

    @Test func metricsPortMissingFromExcludedPortsIsDeniedInBothModes() {
        let ports = ["spec", "proxy", "networking", "trafficControl", "inbound", "excludedPorts"]
        let without = plane.setting(ports, to: [8022])
        for configuration in [PolicyConfiguration(), MeshCheck.kourier] {
            let verdict = MeshCheck.validate(MeshKinds.controlPlane, without, configuration)
            #expect(verdict.message == "[SMCP-METRICS-PORTS] spec.proxy.networking.trafficControl.inbound.excludedPorts lacks 8444; with mTLS the mesh blocks Prometheus from the Serving metrics port (doc §1.4). Fix: add 8444 to that list.")
        }
        #expect(MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.proxy", to: nil)).deniedIDs == ["SMCP-METRICS-PORTS"])
    }

    @Test func metricsPortsAreNotNeededWithoutMTLS() {
        let plain = plane.setting("spec.security.dataPlane.mtls", to: false).setting("spec.proxy", to: nil)
        #expect(MeshCheck.validate(MeshKinds.controlPlane, plain, MeshCheck.kourier).allowed)
    }

    @Test func customMetricsPortsAreAllRequired() {
        let configuration = MeshCheck.configuration { $0.controlPlane.metricsExcludedPorts = [8444, 8022] }
        #expect(MeshCheck.validate(MeshKinds.controlPlane, plane, configuration).allowed)
        let ports = ["spec", "proxy", "networking", "trafficControl", "inbound", "excludedPorts"]
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane.setting(ports, to: []), configuration)
        #expect(verdict.message.contains("lacks 8444, 8022;"))
    }

    @Test func excludedPortThatIsNotANumberIsMalformed() {
        let ports = ["spec", "proxy", "networking", "trafficControl", "inbound", "excludedPorts"]
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane.setting(ports, to: ["8444"]))
        #expect(verdict.code == 400)
        #expect(verdict.message.contains("excludedPorts[0] must be a whole number."))
    }

    @Test func severalViolationsAreReportedTogetherOneLinePerRule() {
        let bad = version("v1.1").setting("spec.security.dataPlane.mtls", to: false)
            .setting(["spec", "proxy"], to: nil)
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, bad)
        #expect(verdict.code == 403)
        #expect(verdict.deniedIDs == ["SMCP-VERSION", "SMCP-MTLS"])
        #expect(verdict.denialLines.count == 2)
        #expect(verdict.denialLines.allSatisfy(MeshMessageFormat.isWellFormed))
        let withPorts = MeshCheck.validate(MeshKinds.controlPlane, version("v1.1").setting(["spec", "proxy"], to: nil))
        #expect(withPorts.deniedIDs == ["SMCP-VERSION", "SMCP-METRICS-PORTS"])
        #expect(withPorts.denialLines.map { $0.prefix(while: { $0 != "]" }) } == ["[SMCP-VERSION", "[SMCP-METRICS-PORTS"])
    }

    @Test func controlPlanesOutsideTheMeshNamespaceAreIgnored() {
        let other = version("v1.1").setting("metadata.namespace", to: "other-mesh").setting("spec.security", to: nil)
        #expect(MeshCheck.validate(MeshKinds.controlPlane, other).firedIDs.isEmpty)
        let v1 = GroupVersionKind(group: "maistra.io", version: "v1", kind: "ServiceMeshControlPlane")
        #expect(MeshCheck.validate(v1, version("v1.1")).firedIDs.isEmpty)
    }
}

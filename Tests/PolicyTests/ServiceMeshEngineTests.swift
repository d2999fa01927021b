// The mesh rules under the engine's settings (enforcement, rules.disabled, rules.warnOnly) and the message format of every finding.
import Testing
import Admission
@testable import Policy

/// The mesh rules under enforcement, disabled and warnOnly settings, and the message format of every finding.
@Suite("Mesh rules in the engine")
struct ServiceMeshEngineTests {
    /// One object per mesh rule that makes it fire, with the configuration it fires under.
    static func violations() throws -> [(GroupVersionKind, JSONValue, PolicyConfiguration)] {
        let roll = try MeshCheck.json(MeshExamples.memberRoll)
        let plane = try MeshCheck.json(MeshExamples.controlPlane)
        let ingress = try MeshCheck.json(MeshExamples.ingressGateway)
        let local = try MeshCheck.json(MeshExamples.localGateway)
        let service = try MeshCheck.json(MeshExamples.localGatewayService)
        let serving = try MeshCheck.json(MeshExamples.knativeServing)
        let monitoring = try MeshCheck.json(MeshExamples.monitoringPolicy)
        let servingSystem = try MeshCheck.json(MeshExamples.servingSystemPolicy)
        let defaults = PolicyConfiguration()
        let longNames = MeshCheck.configuration { $0.memberRoll.requiredMembers = ["knative-serving", "knative-eventing"] }
        return [
            (MeshKinds.memberRoll, roll.setting("spec.members", to: ["Apps", "apps", "apps"]), longNames),
            (MeshKinds.memberRoll, roll.setting("metadata.name", to: "a-rather-long-member-roll-name-for-serverless").setting("metadata.namespace", to: "another-long-namespace-name"), defaults),
            (MeshKinds.controlPlane, plane.setting("spec.version", to: "v1.1").setting("spec.proxy", to: nil), defaults),
            (MeshKinds.controlPlane, plane.setting("spec.security.dataPlane.mtls", to: false), defaults),
            (MeshKinds.controlPlane, plane.setting("spec.version", to: "v9.9"), defaults),
            (MeshKinds.gateway, ingress.setting("spec.servers.0.tls.credentialName", to: "a-long-credential-name-for-tests").setting("spec.selector", to: ["app": "a-long-gateway-selector-value"]), defaults),
            (MeshKinds.gateway, ingress.setting("spec.servers", to: [["port": ["number": 443, "protocol": "HTTPS"]]]).setting("spec.selector", to: [:]), defaults),
            (MeshKinds.gateway, local.setting("spec.servers", to: [["port": ["number": 80, "protocol": "HTTP"]]]), defaults),
            (MeshKinds.service, service.setting("spec.ports", to: []).setting("metadata.labels", to: nil), defaults),
            (MeshKinds.knativeServing, serving.setting("spec", to: nil).setting(["metadata", "annotations", "serverless.openshift.io/enable-secret-informer-filtering"], to: "true"), defaults),
            (MeshKinds.knativeServing, serving.setting(["metadata", "annotations", "serverless.openshift.io/enable-secret-informer-filtering"], to: "on").setting(["spec", "config", "observability", "metrics.backend-destination"], to: "opencensus"), defaults),
            (MeshKinds.networkPolicy, monitoring.setting("spec.ingress", to: nil).setting("spec.policyTypes", to: ["Egress"]), defaults),
            (MeshKinds.networkPolicy, servingSystem.setting("spec.ingress", to: nil), MeshCheck.kourier),
        ]
    }

    @Test func everyMeshRuleFiresInTheSweepAndIsRegisteredOnce() throws {
        let ids = Policy.meshValidations.flatMap(\.ids)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count == 17)
        var fired = Set<String>()
        for (kind, object, configuration) in try Self.violations() {
            fired.formUnion(MeshCheck.validate(kind, object, configuration).firedIDs)
        }
        #expect(fired == Set(ids))
    }

    @Test func everyFindingFollowsTheMessageFormat() throws {
        for (kind, object, configuration) in try Self.violations() {
            let verdict = MeshCheck.validate(kind, object, configuration)
            for line in verdict.denialLines + verdict.warnings {
                #expect(MeshMessageFormat.isWellFormed(line), "\(line)")
            }
            for finding in verdict.decision.findings {
                #expect(!finding.message.contains("\n"))
                #expect(finding.message.hasSuffix("."))
            }
        }
    }

    /// Warnings stay at most 120 characters; KS-SECRET-FILTERING names the configured label,
    /// whose default alone is 47 characters, and is allowed up to 135.
    @Test func warningsStayShort() throws {
        var count = 0
        for (kind, object, configuration) in try Self.violations() {
            for warning in MeshCheck.validate(kind, object, configuration).warnings {
                count += 1
                let limit = warning.hasPrefix("[KS-SECRET-FILTERING]") ? 135 : 120
                #expect(warning.count <= limit, "\(warning.count): \(warning)")
            }
        }
        #expect(count >= 6)
    }

    @Test func enforcementWarnTurnsEveryDenialIntoAWarning() throws {
        let serving = try MeshCheck.json(MeshExamples.knativeServing).setting("spec", to: nil)
        let configuration = MeshCheck.configuration { $0.enforcement = .warn }
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, serving, configuration)
        #expect(verdict.allowed)
        #expect(verdict.decision.response.status == nil)
        #expect(verdict.warnedIDs == ["KS-ISTIO-INGRESS", "KS-SIDECAR-WORKLOADS", "KS-METRICS-BACKEND"])
        #expect(verdict.warnings.allSatisfy { !$0.contains("\n") })
    }

    @Test func disabledRulesNeverFire() throws {
        let roll = try MeshCheck.json(MeshExamples.memberRoll).setting("spec.members", to: ["apps", "apps"])
        let configuration = MeshCheck.configuration { $0.rules.disabled = ["SMMR-REQUIRED-MEMBERS", "SMMR-MEMBER-NAMES"] }
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll, configuration)
        #expect(verdict.allowed)
        #expect(verdict.firedIDs.isEmpty)
        let malformed = try MeshCheck.json(MeshExamples.memberRoll).setting("spec.members", to: "apps")
        #expect(MeshCheck.validate(MeshKinds.memberRoll, malformed, configuration).allowed)
    }

    @Test func warnOnlyDowngradesOneRuleAndKeepsTheOthers() throws {
        let plane = try MeshCheck.json(MeshExamples.controlPlane).setting("spec.version", to: "v2.7")
            .setting("spec.security.dataPlane.mtls", to: false)
        let configuration = MeshCheck.configuration { $0.rules.warnOnly = ["SMCP-VERSION"] }
        let verdict = MeshCheck.validate(MeshKinds.controlPlane, plane, configuration)
        #expect(!verdict.allowed)
        #expect(verdict.deniedIDs == ["SMCP-MTLS"])
        #expect(verdict.denialLines.count == 1)
        #expect(verdict.warnedIDs == ["SMCP-VERSION"])
        let newer = MeshCheck.validate(MeshKinds.controlPlane, plane.setting("spec.security.dataPlane.mtls", to: true), configuration)
        #expect(newer.allowed)
        #expect(newer.warnings.first?.hasPrefix("[SMCP-VERSION] spec.version v2.7 is not one of") == true)
    }

    @Test func anObjectThatIsNotAnObjectIsABadRequest() {
        let request = AdmissionRequest(uid: "u", kind: MeshKinds.memberRoll, resource: MeshKinds.resource(for: MeshKinds.memberRoll),
                                       name: "default", namespace: "istio-system", operation: .create, object: "default")
        let response = Policy().validate(request).response
        #expect(!response.allowed)
        #expect(response.status?.code == 400)
    }

    @Test func deleteIsAllowedForEveryMeshKind() throws {
        for (kind, object, configuration) in try Self.violations() {
            #expect(MeshCheck.validate(kind, object, configuration, operation: .delete).allowed)
            #expect(MeshCheck.validate(kind, object, configuration, operation: .delete).firedIDs.isEmpty)
        }
    }

    @Test func updateIsJudgedOnTheNewObjectOnly() throws {
        let good = try MeshCheck.json(MeshExamples.ingressGateway)
        let bad = good.setting("spec.selector", to: nil)
        let toBad = Policy().validate(MeshCheck.request(MeshKinds.gateway, bad, operation: .update, oldObject: good))
        #expect(toBad.response.status?.message.hasPrefix("[GW-SELECTOR]") == true)
        let toGood = Policy().validate(MeshCheck.request(MeshKinds.gateway, good, operation: .update, oldObject: bad))
        #expect(toGood.response.allowed)
        #expect(toGood.findings.isEmpty)
    }
}

// NP-MONITORING and NP-SERVING-SYSTEM through the whole policy.
import Testing
import Admission
@testable import Policy

/// NP-* behaviour on the documented NetworkPolicies and their variants.
@Suite("NetworkPolicy rules")
struct NetworkPolicyRuleTests {
    let monitoring: JSONValue
    let servingSystem: JSONValue

    init() throws {
        monitoring = try MeshCheck.json(MeshExamples.monitoringPolicy)
        servingSystem = try MeshCheck.json(MeshExamples.servingSystemPolicy)
    }

    func from(_ policy: JSONValue, _ selector: JSONValue) -> JSONValue {
        policy.setting("spec.ingress", to: [["from": [["namespaceSelector": selector]]]])
    }

    @Test func documentedPoliciesAreAllowed() {
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, monitoring).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, servingSystem, MeshCheck.kourier).firedIDs.isEmpty)
    }

    @Test func monitoringPolicyWithoutTheMonitoringSelectorIsDeniedInBothModes() {
        let wrong = from(monitoring, ["matchLabels": ["name": "openshift-user-workload-monitoring"]])
        for configuration in [PolicyConfiguration(), MeshCheck.kourier] {
            let verdict = MeshCheck.validate(MeshKinds.networkPolicy, wrong, configuration)
            #expect(verdict.message == "[NP-MONITORING] no spec.ingress peer has namespaceSelector name: openshift-monitoring; with mTLS, Prometheus in openshift-monitoring must reach the Serving metrics (doc §1.4). Fix: allow ingress from namespaceSelector matchLabels {name: openshift-monitoring}.")
        }
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, monitoring.setting("spec.ingress", to: nil)).deniedIDs == ["NP-MONITORING"])
    }

    @Test func monitoringPolicyThatDoesNotGovernIngressIsDenied() {
        let egress = monitoring.setting("spec.policyTypes", to: ["Egress"])
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, egress).message.hasPrefix("[NP-MONITORING] spec.policyTypes lacks Ingress; "))
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, monitoring.setting("spec.policyTypes", to: ["Ingress", "Egress"])).firedIDs.isEmpty)
    }

    @Test func matchExpressionsPinningTheNameCount() {
        let inExpression: JSONValue = ["matchExpressions": [["key": "name", "operator": "In", "values": ["openshift-monitoring", "other"]]]]
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, inExpression)).firedIDs.isEmpty)
        let exists: JSONValue = ["matchExpressions": [["key": "name", "operator": "Exists"]]]
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, exists)).deniedIDs == ["NP-MONITORING"])
        let narrowed: JSONValue = ["matchLabels": ["name": "openshift-monitoring"], "matchExpressions": [["key": "tier", "operator": "Exists"]]]
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, narrowed)).deniedIDs == ["NP-MONITORING"])
        let notIn: JSONValue = ["matchLabels": ["name": "openshift-monitoring"], "matchExpressions": [["key": "tier", "operator": "DoesNotExist"]]]
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, notIn)).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, [:])).deniedIDs == ["NP-MONITORING"])
    }

    @Test func monitoringPolicyElsewhereOrRenamedIsIgnored() {
        let bad = monitoring.setting("spec.ingress", to: nil)
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, bad.setting("metadata.namespace", to: "apps")).firedIDs.isEmpty)
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, bad.setting("metadata.name", to: "deny-all")).firedIDs.isEmpty)
        let configuration = MeshCheck.configuration { $0.servingNamespace = "serving" }
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, bad.setting("metadata.namespace", to: "serving"), configuration).deniedIDs == ["NP-MONITORING"])
    }

    @Test func servingSystemPolicyIsJudgedOnlyInKourierModeInAnyNamespace() {
        let bad = from(servingSystem, ["matchLabels": ["knative.openshift.io/part-of": "openshift-serverless-x"]]).setting("spec.policyTypes", to: ["Egress"])
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, bad).firedIDs.isEmpty)
        let verdict = MeshCheck.validate(MeshKinds.networkPolicy, bad.setting("metadata.namespace", to: "team-a"), MeshCheck.kourier)
        #expect(verdict.message == "[NP-SERVING-SYSTEM] spec.policyTypes lacks Ingress, no spec.ingress peer has namespaceSelector knative.openshift.io/part-of: openshift-serverless; with Kourier, the Serverless system namespaces must reach this namespace's pods (doc §1.5). Fix: allow ingress from namespaceSelector matchLabels {knative.openshift.io/part-of: \"openshift-serverless\"}, policyTypes [Ingress].")
    }

    @Test func servingSystemPolicyWithoutPolicyTypesIsDefaultedToIngress() {
        #expect(MeshCheck.validate(MeshKinds.networkPolicy, servingSystem.setting("spec.policyTypes", to: nil), MeshCheck.kourier).firedIDs.isEmpty)
    }

    @Test func malformedPoliciesNameThePath() {
        let notList = MeshCheck.validate(MeshKinds.networkPolicy, monitoring.setting("spec.ingress", to: ["from": []]))
        #expect(notList.code == 400)
        #expect(notList.message == "[NP-MONITORING] spec.ingress must be a list.")
        let badSelector = MeshCheck.validate(MeshKinds.networkPolicy, from(monitoring, ["matchLabels": ["name": 1]]))
        #expect(badSelector.message == "[NP-MONITORING] spec.ingress[0].from[0].namespaceSelector.matchLabels[\"name\"] must be a string.")
        let badTypes = MeshCheck.validate(MeshKinds.networkPolicy, servingSystem.setting("spec.policyTypes", to: "Ingress"), MeshCheck.kourier)
        #expect(badTypes.message == "[NP-SERVING-SYSTEM] spec.policyTypes must be a list.")
    }
}

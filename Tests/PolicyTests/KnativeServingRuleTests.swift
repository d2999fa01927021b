// KS-ISTIO-INGRESS, KS-SIDECAR-WORKLOADS, KS-SECRET-FILTERING and KS-METRICS-BACKEND through the whole policy.
import Testing
import Admission
@testable import Policy

/// KS-* behaviour on the documented KnativeServing and its variants.
@Suite("KnativeServing rules")
struct KnativeServingRuleTests {
    let serving: JSONValue
    static let filtering = ["metadata", "annotations", "serverless.openshift.io/enable-secret-informer-filtering"]
    static let backend = ["spec", "config", "observability", "metrics.backend-destination"]

    init() throws {
        serving = try MeshCheck.json(MeshExamples.knativeServing)
    }

    static func entry(_ name: String, labels: JSONValue? = nil, annotations: JSONValue? = nil) -> JSONValue {
        var entry: JSONValue = ["name": .string(name)]
        if let labels { entry = entry.setting(["labels"], to: labels) }
        if let annotations { entry = entry.setting(["annotations"], to: annotations) }
        return entry
    }

    @Test(arguments: ["v1beta1", "v1alpha1"])
    func documentedKnativeServingIsAllowed(version: String) {
        let kind = GroupVersionKind(group: "operator.knative.dev", version: version, kind: "KnativeServing")
        #expect(MeshCheck.validate(kind, serving).firedIDs.isEmpty)
    }

    @Test func istioIngressMustBeOnAndKourierOff() {
        let kourier = serving.setting("spec.ingress", to: ["kourier": ["enabled": true]])
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, kourier)
        #expect(verdict.message == "[KS-ISTIO-INGRESS] spec.ingress.istio.enabled is not set, spec.ingress.kourier.enabled is true; with Service Mesh as the only ingress, Serving must use Istio with Kourier disabled (doc §1.3). Fix: set spec.ingress.istio.enabled: true and spec.ingress.kourier.enabled: false.")
        let both = serving.setting("spec.ingress.kourier.enabled", to: true)
        #expect(MeshCheck.validate(MeshKinds.knativeServing, both).message.hasPrefix("[KS-ISTIO-INGRESS] spec.ingress.kourier.enabled is true; "))
        let istioOff = serving.setting("spec.ingress.istio.enabled", to: false)
        #expect(MeshCheck.validate(MeshKinds.knativeServing, istioOff).message.hasPrefix("[KS-ISTIO-INGRESS] spec.ingress.istio.enabled is false; "))
        #expect(MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec.ingress.kourier.enabled", to: false)).allowed)
    }

    @Test func meshIngressOnlyServingRulesAreOffInKourierMode() {
        let kourierServing = serving.setting("spec.ingress", to: ["kourier": ["enabled": true]]).setting("spec.deployments", to: nil)
        #expect(MeshCheck.validate(MeshKinds.knativeServing, kourierServing, MeshCheck.kourier).firedIDs.isEmpty)
    }

    @Test func sidecarsOfActivatorAndAutoscalerAreRequired() {
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec.deployments", to: nil))
        #expect(verdict.message == "[KS-SIDECAR-WORKLOADS] no spec.workloads or spec.deployments entry for activator, no spec.workloads or spec.deployments entry for autoscaler; the activator and autoscaler must be in the mesh to reach Knative Services (doc §1.3). Fix: give both entries label sidecar.istio.io/inject: \"true\" and annotation sidecar.istio.io/rewriteAppHTTPProbers: \"true\".")
    }

    @Test func injectionMayBeAnAnnotationAndEntriesMayBeWorkloads() {
        let annotated = Self.entry("activator", annotations: ["sidecar.istio.io/inject": "true", "sidecar.istio.io/rewriteAppHTTPProbers": "true"])
        let labelled = Self.entry("autoscaler", labels: ["sidecar.istio.io/inject": "true"], annotations: ["sidecar.istio.io/rewriteAppHTTPProbers": "true"])
        let workloads = serving.setting("spec.deployments", to: nil).setting("spec.workloads", to: [annotated, labelled])
        #expect(MeshCheck.validate(MeshKinds.knativeServing, workloads).firedIDs.isEmpty)
        let split = serving.setting("spec.deployments", to: [annotated]).setting("spec.workloads", to: [labelled])
        #expect(MeshCheck.validate(MeshKinds.knativeServing, split).firedIDs.isEmpty)
    }

    @Test func labelFalseOverridesAnnotationTrueAndRewriteMustBeAnAnnotation() {
        let overridden = Self.entry("activator", labels: ["sidecar.istio.io/inject": "false"],
                                    annotations: ["sidecar.istio.io/inject": "true", "sidecar.istio.io/rewriteAppHTTPProbers": "true"])
        let rewriteAsLabel = Self.entry("autoscaler", labels: ["sidecar.istio.io/inject": "true", "sidecar.istio.io/rewriteAppHTTPProbers": "true"])
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec.deployments", to: [overridden, rewriteAsLabel]))
        #expect(verdict.deniedIDs == ["KS-SIDECAR-WORKLOADS"])
        #expect(verdict.message.hasPrefix("[KS-SIDECAR-WORKLOADS] activator lacks sidecar.istio.io/inject: \"true\", autoscaler lacks annotation sidecar.istio.io/rewriteAppHTTPProbers: \"true\" (a label; Istio reads the annotation); "))
    }

    @Test func malformedWorkloadEntriesAreBadRequests() {
        let notList = MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec.deployments", to: ["activator": ["labels": [:]]]))
        #expect(notList.code == 400)
        #expect(notList.message == "[KS-SIDECAR-WORKLOADS] spec.deployments must be a list.")
        let badLabels = MeshCheck.validate(MeshKinds.knativeServing, serving.setting(["spec", "workloads"], to: [["name": "activator", "labels": ["sidecar.istio.io/inject": true]]]))
        #expect(badLabels.message == "[KS-SIDECAR-WORKLOADS] spec.workloads[0].labels[\"sidecar.istio.io/inject\"] must be a string.")
        let badEnabled = MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec.ingress.istio.enabled", to: "true"))
        #expect(badEnabled.message == "[KS-ISTIO-INGRESS] spec.ingress.istio.enabled must be a boolean.")
    }

    @Test func secretFilteringTrueWarnsAndFalsePasses() {
        let on = MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.filtering, to: "true"), MeshCheck.kourier)
        #expect(on.allowed)
        #expect(on.warnings == ["[KS-SECRET-FILTERING] Knative skips Secrets without label networking.internal.knative.dev/certificate-uid (doc §1.6). Fix: add it."])
        #expect(MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.filtering, to: "false")).firedIDs.isEmpty)
        let custom = MeshCheck.configuration { $0.secrets.certificateUIDLabel = "example.com/cert-uid" }
        #expect(MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.filtering, to: "true"), custom).warnings.first?.contains("label example.com/cert-uid ") == true)
    }

    @Test(arguments: ["True", "yes", "1", ""])
    func secretFilteringOtherValuesAreInvalid(value: String) {
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.filtering, to: .string(value)), MeshCheck.kourier)
        #expect(verdict.deniedIDs == ["KS-SECRET-FILTERING"])
        #expect(verdict.code == 422)
        #expect(verdict.reason == "Invalid")
    }

    @Test func metricsBackendOtherThanPrometheusWarnsWhenMTLSIsRequired() {
        let unset = MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.backend, to: nil))
        #expect(unset.allowed)
        #expect(unset.warnings == ["[KS-METRICS-BACKEND] metrics.backend-destination is unset: no metrics with mTLS (doc §1.4). Fix: use prometheus."])
        let other = MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.backend, to: "opencensus"), MeshCheck.kourier)
        #expect(other.warnings.first?.contains("is \"opencensus\":") == true)
        let relaxed = MeshCheck.configuration { $0.controlPlane.requireMTLS = false }
        #expect(MeshCheck.validate(MeshKinds.knativeServing, serving.setting(Self.backend, to: nil), relaxed).firedIDs.isEmpty)
    }

    @Test func otherGroupsAreIgnored() {
        let eventing = GroupVersionKind(group: "operator.knative.dev", version: "v1beta1", kind: "KnativeEventing")
        #expect(MeshCheck.validate(eventing, serving.setting("spec", to: nil)).firedIDs.isEmpty)
        let v1 = GroupVersionKind(group: "operator.knative.dev", version: "v1", kind: "KnativeServing")
        #expect(MeshCheck.validate(v1, serving.setting("spec", to: nil)).firedIDs.isEmpty)
    }

    @Test func emptyKnativeServingReportsEveryRuleTogether() {
        let verdict = MeshCheck.validate(MeshKinds.knativeServing, serving.setting("spec", to: nil).setting(Self.filtering, to: "maybe"))
        #expect(!verdict.allowed)
        #expect(verdict.code == 422)
        #expect(verdict.deniedIDs == ["KS-ISTIO-INGRESS", "KS-SIDECAR-WORKLOADS", "KS-SECRET-FILTERING"])
        #expect(verdict.denialLines.count == 3)
        #expect(verdict.warnedIDs == ["KS-METRICS-BACKEND"])
    }
}

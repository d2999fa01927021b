// NS-SERVING-SYSTEM (mutation) and NS-COST-APP-LABEL (validation).
import Admission
import Testing
@testable import Policy

@Suite("Namespace rules")
struct NamespaceRulesTests {
    typealias S = PolicyTestSupport

    static func namespace(_ name: String, labels: String? = nil) -> String {
        let labelField = labels.map { #","labels":"# + $0 } ?? ""
        return #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)""# + labelField + "}}"
    }

    static let labelling = S.policy { $0.namespaces.labelServingSystem = true }

    @Test(arguments: ["knative-serving", "knative-serving-ingress"])
    func servingNamespacesAreLabelled(name: String) throws {
        let request = try S.request(S.namespace, object: Self.namespace(name))
        let (first, second, _) = try S.mutateTwice(Self.labelling, request)
        #expect(first.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/metadata/labels","value":{}},
         {"op":"add","path":"/metadata/labels/knative.openshift.io~1part-of","value":"openshift-serverless"}]
        """)))
        #expect(second.response.patch == nil)
    }

    @Test func aDifferentValueIsReplaced() throws {
        let request = try S.request(S.namespace, object: Self.namespace("knative-serving", labels: #"{"knative.openshift.io/part-of":"other"}"#), operation: .update)
        #expect(Self.labelling.mutate(request).response.patch?.jsonValue == (try S.json("""
        [{"op":"replace","path":"/metadata/labels/knative.openshift.io~1part-of","value":"openshift-serverless"}]
        """)))
    }

    @Test func nothingHappensWhenOffOrForOtherNamespaces() throws {
        #expect(S.policy().mutate(try S.request(S.namespace, object: Self.namespace("knative-serving"))).response.patch == nil)
        #expect(Self.labelling.mutate(try S.request(S.namespace, object: Self.namespace("demo"))).response.patch == nil)
        let renamed = S.policy { $0.namespaces.labelServingSystem = true; $0.servingNamespace = "serving" }
        #expect(renamed.mutate(try S.request(S.namespace, object: Self.namespace("serving"))).response.patch != nil)
        #expect(renamed.mutate(try S.request(S.namespace, object: Self.namespace("knative-serving"))).response.patch == nil)
    }

    @Test func theAppLabelIsWarnedAbout() throws {
        let decision = S.policy().validate(try S.request(S.namespace, object: Self.namespace("shop", labels: #"{"app":"shop"}"#)))
        #expect(decision.response.allowed)
        #expect(decision.response.warnings == [#"[NS-COST-APP-LABEL] label "app" won't group Knative costs: pods carry app=<revision> (doc §2.2). Fix: use another key."#])
        for warning in decision.response.warnings { expectValidWarning(warning) }
    }

    @Test func noWarningWithoutTheLabelOrWhenTurnedOff() throws {
        let plain = try S.request(S.namespace, object: Self.namespace("shop", labels: #"{"app.kubernetes.io/name":"shop"}"#))
        #expect(S.policy().validate(plain).response.warnings.isEmpty)
        let labelled = try S.request(S.namespace, object: Self.namespace("shop", labels: #"{"app":"shop"}"#))
        #expect(S.policy { $0.namespaces.warnCostAppLabel = false }.validate(labelled).response.warnings.isEmpty)
        #expect(S.policy { $0.rules.disabled = ["NS-COST-APP-LABEL"] }.validate(labelled).response.warnings.isEmpty)
    }

    @Test func malformedLabelsAreDeniedWith400() throws {
        let request = try S.request(S.namespace, object: Self.namespace("shop", labels: #"["app"]"#))
        let decision = S.policy().validate(request)
        #expect(decision.response.status?.code == 400)
        #expect(decision.response.status?.message == "[NS-COST-APP-LABEL] metadata.labels must be an object.")
    }
}

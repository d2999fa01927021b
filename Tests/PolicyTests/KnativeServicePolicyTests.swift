// The Knative Service rules through the engine: UPDATE, dry-run, enforcement, disabled and warnOnly rules, malformed objects.
import Admission
import Testing
@testable import Policy

@Suite("KnativeService rules in the engine")
struct KnativeServicePolicyTests {
    typealias S = PolicyTestSupport
    static let optedOut = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"false"}"#,
                                         templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
    static let ready = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#,
                                      templateAnnotations: #"{"sidecar.istio.io/inject":"true","sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#)

    @Test func updateIsJudgedOnTheNewObject() throws {
        let policy = S.policy()
        let fixed = try S.request(S.knativeService, object: Self.ready, operation: .update, oldObject: Self.optedOut)
        #expect(policy.validate(fixed).response.allowed)
        #expect(policy.mutate(fixed).response.patch == nil)
        let broken = try S.request(S.knativeService, object: Self.optedOut, operation: .update, oldObject: Self.ready)
        #expect(!policy.validate(broken).response.allowed)
    }

    @Test func dryRunGetsTheSameAnswer() throws {
        let policy = S.policy()
        for object in [bareKnativeService, Self.optedOut] {
            let wet = try S.request(S.knativeService, object: object)
            let dry = try S.request(S.knativeService, object: object, dryRun: true)
            #expect(policy.mutate(wet).response == policy.mutate(dry).response)
            #expect(policy.validate(wet).response == policy.validate(dry).response)
        }
    }

    @Test func deleteAndConnectAreAllowed() throws {
        for operation in [AdmissionOperation.delete, .connect] {
            let request = try S.request(S.knativeService, object: Self.optedOut, operation: operation)
            #expect(S.policy().validate(request).response == AdmissionResponse(uid: request.uid, allowed: true))
            #expect(S.policy().mutate(request).response.patch == nil)
        }
    }

    @Test func enforcementWarnTurnsDenialsIntoWarnings() throws {
        let decision = S.policy { $0.enforcement = .warn }.validate(try S.request(S.knativeService, object: Self.optedOut))
        #expect(decision.response.allowed)
        #expect(decision.response.status == nil)
        #expect(decision.response.warnings.count == 1)
        #expect(decision.response.warnings.first?.hasPrefix("[KSVC-SIDECAR-REQUIRED] ") == true)
    }

    @Test func warnOnlyDowngradesOneRule() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"on"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy { $0.rules.warnOnly = ["KSVC-SIDECAR-REQUIRED"] }.validate(try S.request(S.knativeService, object: object))
        #expect(!decision.response.allowed)
        #expect(decision.response.status?.code == 422)
        #expect(decision.response.status?.message.hasPrefix("[KSVC-PASSTHROUGH] ") == true)
        #expect(decision.response.warnings.first?.hasPrefix("[KSVC-SIDECAR-REQUIRED] ") == true)
    }

    @Test func disabledRulesNeverFire() throws {
        let policy = S.policy { $0.rules.disabled = ["KSVC-SIDECAR", "KSVC-SIDECAR-REQUIRED"] }
        let mutated = policy.mutate(try S.request(S.knativeService, object: bareKnativeService))
        #expect(mutated.response.patch?.operations.map(\.path.description) == [
            "/metadata/annotations", "/metadata/annotations/serving.knative.openshift.io~1enablePassthrough",
        ])
        #expect(policy.validate(try S.request(S.knativeService, object: Self.optedOut)).response.allowed)
    }

    @Test func severalViolationsAreReportedTogetherOnePerRule() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"on"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#,
                                    spec: #"{"containers":[{"image":"a","resources":{"limits":{"nvidia.com/gpu":"0.5"}}}],"nodeSelector":{"kubernetes.io/arch":"s390x"}}"#)
        let decision = S.policy().validate(try S.request(S.knativeService, object: object))
        let lines = decision.response.status?.message.split(separator: "\n").map { String($0.prefix { $0 != "]" }) + "]" }
        #expect(lines == ["[KSVC-SIDECAR-REQUIRED]", "[KSVC-PASSTHROUGH]", "[KSVC-GPU-QUANTITY]", "[KSVC-GPU-ARCH]"])
        #expect(decision.response.status?.code == 422)
    }

    @Test func aMalformedTemplateIsDeniedWith400OnValidateAndWarnedOnMutate() throws {
        let object = #"{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello","namespace":"demo"},"spec":{"template":"oops"}}"#
        let request = try S.request(S.knativeService, object: object)
        let validated = S.policy().validate(request)
        #expect(!validated.response.allowed)
        #expect(validated.response.status?.code == 400)
        #expect(validated.response.status?.message.contains("spec.template must be an object") == true)
        let mutated = S.policy().mutate(request)
        #expect(mutated.response.allowed)
        #expect(mutated.response.patch == nil)
        #expect(mutated.response.warnings.count == 1)
        #expect(mutated.response.warnings.first?.contains("spec.template must be an object") == true)
    }

    @Test(arguments: [
        #"{"metadata":{"name":"hello","annotations":"x"},"spec":{}}"#,
        #"{"metadata":{"name":"hello"},"spec":{"template":{"metadata":{"annotations":{"sidecar.istio.io/inject":true}}}}}"#,
        #"{"metadata":{"name":"hello"},"spec":{"template":{"spec":{"containers":{"image":"a"}}}}}"#,
        #"{"metadata":{"name":"hello"},"spec":{"template":{"spec":{"containers":["a"]}}}}"#,
        #"{"metadata":{"name":"hello"},"spec":{"template":{"spec":{"containers":[{"resources":{"limits":"1"}}]}}}}"#,
    ])
    func otherMalformedShapesAreCaught(object: String) throws {
        let request = try S.request(S.knativeService, object: object)
        #expect(S.policy().validate(request).response.status?.code == 400)
        let mutated = S.policy().mutate(request)
        #expect(mutated.response.allowed && mutated.response.patch == nil && mutated.response.warnings.count == 1)
    }

    @Test func anObjectThatIsNotAnObjectIsMalformed() {
        let request = S.request(S.knativeService, object: JSONValue.string("service"))
        #expect(S.policy().validate(request).response.status?.code == 400)
        #expect(S.policy().mutate(request).response.warnings.count == 1)
    }

    @Test func otherKindsVersionsAndSubresourcesAreNotTheirConcern() throws {
        let coreService = GroupVersionKind(group: "", version: "v1", kind: "Service")
        let route = GroupVersionKind(group: "serving.knative.dev", version: "v1", kind: "Route")
        let oldService = GroupVersionKind(group: "serving.knative.dev", version: "v1alpha1", kind: "Service")
        let policy = S.policy()
        for kind in [coreService, route, oldService] {
            let request = try S.request(kind, object: Self.optedOut)
            #expect(policy.mutate(request).response.patch == nil)
            #expect(policy.validate(request).response == AdmissionResponse(uid: request.uid, allowed: true))
        }
        let status = try S.request(S.knativeService, object: Self.optedOut, operation: .update, oldObject: Self.optedOut, subResource: "status")
        #expect(policy.mutate(status).response.patch == nil)
        #expect(policy.validate(status).response.allowed)
    }

    @Test func theResponseEchoesTheRequestUID() throws {
        let request = try S.request(S.knativeService, object: bareKnativeService, uid: "b6b1b0a6-4a6d-4bb5-9b7e-3e9c2f1c0d11")
        #expect(S.policy().mutate(request).response.uid == request.uid)
        #expect(S.policy().validate(request).response.uid == request.uid)
    }

    @Test func userValuesInMessagesAreEscapedAndShortened() throws {
        let long = String(repeating: "x", count: 200)
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"no\nway\"\#(long)"}"#)
        let message = S.policy().validate(try S.request(S.knativeService, object: object)).response.status?.message ?? ""
        #expect(!message.contains("\n"))
        #expect(message.contains(#"is "no\nway\"xxx"#))
        #expect(message.contains(#"x…"; "#))
    }
}

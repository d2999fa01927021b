// KSVC-PASSTHROUGH: the mutation on metadata.annotations and the validation of value and placement.
import Admission
import Testing
@testable import Policy

@Suite("KnativeService passthrough rules")
struct KnativeServicePassthroughTests {
    typealias S = PolicyTestSupport
    static let injected = #"{"sidecar.istio.io/inject":"true","sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#

    @Test func mutationAddsTheAnnotationToAnExistingMap() throws {
        let object = knativeService(annotations: #"{"serving.knative.dev/creator":"dev"}"#, templateAnnotations: Self.injected)
        let decision = S.policy().mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/metadata/annotations/serving.knative.openshift.io~1enablePassthrough","value":"true"}]
        """)))
    }

    @Test(arguments: ["false", "maybe"])
    func mutationKeepsAnExplicitValue(value: String) throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"\#(value)"}"#, templateAnnotations: Self.injected)
        let decision = S.policy().mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch == nil)
    }

    @Test func mutationIsOffWhenPassthroughIsOff() throws {
        let object = knativeService(templateAnnotations: Self.injected)
        let decision = S.policy { $0.integration = .kourier; $0.knativeService.passthrough = false }.mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch == nil)
        #expect(decision.findings.isEmpty)
    }

    @Test func validationDeniesAValueOtherThanTrueOrFalseWith422() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"yes"}"#, templateAnnotations: Self.injected)
        for integration in PolicyConfiguration.Integration.allCases {
            let decision = S.policy { $0.integration = integration }.validate(try S.request(S.knativeService, object: object))
            #expect(!decision.response.allowed)
            #expect(decision.response.status?.code == 422)
            #expect(decision.response.status?.reason == "Invalid")
            #expect(decision.response.status?.message == #"[KSVC-PASSTHROUGH] metadata.annotations["serving.knative.openshift.io/enablePassthrough"] is "yes"; Knative reads only "true" or "false" (doc §1.3). Fix: set it to "true" or "false"."#)
        }
    }

    @Test func validationDeniesPassthroughWithoutTheSidecarInKourierMode() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy { $0.integration = .kourier }.validate(try S.request(S.knativeService, object: object))
        #expect(!decision.response.allowed)
        #expect(decision.response.status?.code == 403)
        #expect(decision.response.status?.message == #"[KSVC-PASSTHROUGH] metadata.annotations["serving.knative.openshift.io/enablePassthrough"] is "true" but spec.template.metadata.annotations["sidecar.istio.io/inject"] is "false"; passthrough needs the sidecar to end TLS in the pod (doc §1.3). Fix: set the sidecar annotation to "true" or passthrough to "false"."#)
    }

    @Test func validationAcceptsPassthroughWithTheSidecarAndFalseWithout() throws {
        let withSidecar = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"true"}"#, templateAnnotations: Self.injected)
        let withoutSidecar = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"false"}"#)
        let kourier = S.policy { $0.integration = .kourier }
        for object in [withSidecar, withoutSidecar] {
            let decision = kourier.validate(try S.request(S.knativeService, object: object))
            #expect(decision.response.allowed)
            #expect(decision.findings.isEmpty)
        }
    }

    @Test func validationWarnsWhenPlacedOnTheTemplate() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"true","serving.knative.openshift.io/enablePassthrough":"true"}"#)
        let decision = S.policy().validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.allowed)
        #expect(decision.response.warnings == ["[KSVC-PASSTHROUGH] serving.knative.openshift.io/enablePassthrough works only on metadata (doc §1.3). Fix: move it there."])
        for warning in decision.response.warnings { expectValidWarning(warning) }
    }

    @Test func disablingTheIDStopsBothTheMutationAndTheValidation() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"yes"}"#, templateAnnotations: Self.injected)
        let policy = S.policy { $0.rules.disabled = ["KSVC-PASSTHROUGH"] }
        #expect(policy.validate(try S.request(S.knativeService, object: object)).response.allowed)
        let bare = knativeService(templateAnnotations: Self.injected)
        #expect(policy.mutate(try S.request(S.knativeService, object: bare)).response.patch == nil)
    }
}

// KSVC-SIDECAR (mutation), KSVC-SIDECAR-REQUIRED and KSVC-SIDECAR-PLACEMENT (validation).
import Admission
import Testing
@testable import Policy

/// A Knative Service with no annotation or label maps at all, and no template metadata.
let bareKnativeService = """
{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello","namespace":"demo"},
 "spec":{"template":{"spec":{"containers":[{"image":"quay.io/example/hello"}]}}}}
"""

/// A Knative Service whose template metadata carries `annotations` and `labels` (JSON texts).
func knativeService(annotations: String? = nil, templateAnnotations: String? = nil, templateLabels: String? = nil,
                    spec: String = #"{"containers":[{"image":"quay.io/example/hello"}]}"#) -> String {
    var metadata = #""name":"hello","namespace":"demo""#
    if let annotations { metadata += #","annotations":"# + annotations }
    var template: [String] = []
    if let templateAnnotations { template.append(#""annotations":"# + templateAnnotations) }
    if let templateLabels { template.append(#""labels":"# + templateLabels) }
    return #"{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"# + metadata + #"},"spec":{"template":{"metadata":{"#
        + template.joined(separator: ",") + #"},"spec":"# + spec + "}}}"
}

@Suite("KnativeService sidecar rules")
struct KnativeServiceSidecarTests {
    typealias S = PolicyTestSupport

    @Test func mutationCreatesParentMapsAndEscapesSlashInKeys() throws {
        let request = try S.request(S.knativeService, object: bareKnativeService)
        let decision = S.policy().mutate(request)
        #expect(decision.response.allowed)
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/metadata","value":{}},
         {"op":"add","path":"/spec/template/metadata/annotations","value":{}},
         {"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1inject","value":"true"},
         {"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1rewriteAppHTTPProbers","value":"true"},
         {"op":"add","path":"/metadata/annotations","value":{}},
         {"op":"add","path":"/metadata/annotations/serving.knative.openshift.io~1enablePassthrough","value":"true"}]
        """)))
        #expect(decision.response.warnings.isEmpty)
        #expect(decision.findings.contains(Finding(ruleID: "KSVC-SIDECAR", effect: .patch,
            message: #"set spec.template.metadata.annotations["sidecar.istio.io/inject"] = "true""#)))
    }

    @Test func mutationIsIdempotent() throws {
        let request = try S.request(S.knativeService, object: bareKnativeService)
        let (first, second, _) = try S.mutateTwice(S.policy(), request)
        #expect(first.response.patch != nil)
        #expect(second.response.patch == nil)
        #expect(second.response.allowed)
    }

    @Test func labelModeSetsTheLabelAndTheProbeAnnotation() throws {
        let request = try S.request(S.knativeService, object: knativeService(templateAnnotations: "{}"))
        let decision = S.policy { $0.knativeService.sidecarInjection = .label; $0.knativeService.passthrough = false }.mutate(request)
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/metadata/labels","value":{}},
         {"op":"add","path":"/spec/template/metadata/labels/sidecar.istio.io~1inject","value":"true"},
         {"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1rewriteAppHTTPProbers","value":"true"}]
        """)))
    }

    @Test func offModeSetsNothing() throws {
        let request = try S.request(S.knativeService, object: bareKnativeService)
        let decision = S.policy { $0.knativeService.sidecarInjection = .off; $0.knativeService.passthrough = false }.mutate(request)
        #expect(decision.response.patch == nil)
        #expect(decision.findings.isEmpty)
    }

    @Test func rewriteProbersCanBeTurnedOff() throws {
        let request = try S.request(S.knativeService, object: knativeService(templateAnnotations: "{}"))
        let decision = S.policy { $0.knativeService.rewriteAppHTTPProbers = false; $0.knativeService.passthrough = false }.mutate(request)
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1inject","value":"true"}]
        """)))
    }

    @Test func explicitFalseAnnotationIsKept() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"false"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy().mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1rewriteAppHTTPProbers","value":"true"}]
        """)))
    }

    @Test func explicitFalseLabelKeepsTheAnnotationOutInAnnotationMode() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#,
                                    templateLabels: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy { $0.knativeService.passthrough = false }.mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch == nil)
    }

    @Test func existingTrueLabelStillGetsTheAnnotationInAnnotationMode() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#,
                                    templateLabels: #"{"sidecar.istio.io/inject":"true"}"#)
        let decision = S.policy { $0.knativeService.passthrough = false }.mutate(try S.request(S.knativeService, object: object))
        #expect(decision.response.patch?.jsonValue == (try S.json("""
        [{"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1inject","value":"true"}]
        """)))
    }

    @Test func otherAnnotationsWithSlashAndTildeAreLeftAlone() throws {
        let object = knativeService(annotations: #"{"example.com/a~b":"x"}"#, templateAnnotations: #"{"example.com/c~d":"y"}"#)
        let request = try S.request(S.knativeService, object: object)
        let (first, second, patched) = try S.mutateTwice(S.policy(), request)
        #expect(first.response.patch?.operations.count == 3)
        #expect(second.response.patch == nil)
        #expect(patched?["metadata", "annotations", "example.com/a~b"] == "x")
        #expect(patched?["spec", "template", "metadata", "annotations", "example.com/c~d"] == "y")
    }

    // MARK: KSVC-SIDECAR-REQUIRED

    @Test func requiredDeniesExplicitFalseInMeshIngressMode() throws {
        let object = knativeService(annotations: #"{"serving.knative.openshift.io/enablePassthrough":"false"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy().validate(try S.request(S.knativeService, object: object))
        #expect(!decision.response.allowed)
        #expect(decision.response.patch == nil)
        #expect(decision.response.status?.code == 403)
        #expect(decision.response.status?.reason == "Forbidden")
        #expect(decision.response.status?.message == #"[KSVC-SIDECAR-REQUIRED] spec.template.metadata.annotations["sidecar.istio.io/inject"] is "false"; with Kourier disabled every Knative Service must be in the mesh (doc §1.3). Fix: remove the annotation or set it to "true"."#)
    }

    @Test func requiredIsSilentInKourierMode() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy { $0.integration = .kourier }.validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.allowed)
        #expect(decision.response.warnings.isEmpty)
    }

    @Test func requiredDeniesAMissingAnnotation() throws {
        let decision = S.policy().validate(try S.request(S.knativeService, object: bareKnativeService))
        #expect(!decision.response.allowed)
        #expect(decision.response.status?.message.hasPrefix(#"[KSVC-SIDECAR-REQUIRED] spec.template.metadata.annotations["sidecar.istio.io/inject"] is not set;"#) == true)
    }

    @Test func requiredAcceptsTheAnnotationInAnnotationMode() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"true"}"#)
        let decision = S.policy().validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.allowed)
        #expect(decision.findings.isEmpty)
    }

    @Test func requiredNamesTheLabelInLabelModeButAcceptsEitherPlace() throws {
        let labelMode = S.policy { $0.knativeService.sidecarInjection = .label }
        let denied = labelMode.validate(try S.request(S.knativeService, object: knativeService()))
        #expect(!denied.response.allowed)
        #expect(denied.response.status?.message.contains(#"spec.template.metadata.labels["sidecar.istio.io/inject"] is not set"#) == true)

        // Istio honours the annotation too: an annotated template is in the mesh in label mode.
        let annotationOnly = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"true"}"#)
        #expect(labelMode.validate(try S.request(S.knativeService, object: annotationOnly)).response.allowed)

        let labelled = knativeService(templateLabels: #"{"sidecar.istio.io/inject":"true"}"#)
        #expect(labelMode.validate(try S.request(S.knativeService, object: labelled)).response.allowed)
    }

    @Test func requiredDeniesAFalseLabelInAnnotationMode() throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"true"}"#,
                                    templateLabels: #"{"sidecar.istio.io/inject":"false"}"#)
        let decision = S.policy().validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.status?.message == #"[KSVC-SIDECAR-REQUIRED] spec.template.metadata.labels["sidecar.istio.io/inject"] is "false"; with Kourier disabled every Knative Service must be in the mesh (doc §1.3). Fix: remove the label or set it to "true"."#)
    }

    @Test func requiredAcceptsEitherPlaceInOffMode() throws {
        let off = S.policy { $0.knativeService.sidecarInjection = .off }
        for object in [knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"true"}"#),
                       knativeService(templateLabels: #"{"sidecar.istio.io/inject":"true"}"#)] {
            #expect(off.validate(try S.request(S.knativeService, object: object)).response.allowed)
        }
        #expect(!off.validate(try S.request(S.knativeService, object: bareKnativeService)).response.allowed)
    }

    @Test(arguments: ["yes", "True", "", "1"])
    func requiredAcceptsOnlyTheExactTextTrue(value: String) throws {
        let object = knativeService(templateAnnotations: #"{"sidecar.istio.io/inject":"\#(value)"}"#)
        #expect(!S.policy().validate(try S.request(S.knativeService, object: object)).response.allowed)
    }

    @Test func mutatedServicePassesValidation() throws {
        let request = try S.request(S.knativeService, object: bareKnativeService)
        let policy = S.policy()
        let patched = try S.applyingPatch(of: policy.mutate(request), to: request)
        let decision = policy.validate(patched)
        #expect(decision.response.allowed)
        #expect(decision.response.warnings.isEmpty)
    }

    // MARK: KSVC-SIDECAR-PLACEMENT

    @Test func placementWarnsAboutServiceLevelSidecarAnnotations() throws {
        let object = knativeService(annotations: #"{"sidecar.istio.io/inject":"true","sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#)
        let decision = S.policy { $0.integration = .kourier }.validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.allowed)
        #expect(decision.response.warnings == [
            "[KSVC-SIDECAR-PLACEMENT] sidecar.istio.io/inject belongs on spec.template (doc §1.3). Fix: move it there.",
            "[KSVC-SIDECAR-PLACEMENT] sidecar.istio.io/rewriteAppHTTPProbers belongs on spec.template (doc §1.3). Fix: move it there.",
        ])
        for warning in decision.response.warnings { expectValidWarning(warning) }
    }

    @Test func placementIsSilentWhenTheTemplateHasThem() throws {
        let object = knativeService(annotations: #"{"sidecar.istio.io/inject":"true","sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#,
                                    templateAnnotations: #"{"sidecar.istio.io/rewriteAppHTTPProbers":"true"}"#,
                                    templateLabels: #"{"sidecar.istio.io/inject":"true"}"#)
        let decision = S.policy { $0.integration = .kourier }.validate(try S.request(S.knativeService, object: object))
        #expect(decision.response.warnings.isEmpty)
    }
}

/// policy.md: warnings are single-line, without control characters, at most 120 characters.
func expectValidWarning(_ warning: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(warning.count <= 120, "\(warning.count) characters: \(warning)", sourceLocation: sourceLocation)
    #expect(!warning.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, sourceLocation: sourceLocation)
}

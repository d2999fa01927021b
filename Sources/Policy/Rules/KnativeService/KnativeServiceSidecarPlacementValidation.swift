// KSVC-SIDECAR-PLACEMENT: sidecar annotations on the Service itself do nothing (doc §1.3).
import Admission

/// Validation KSVC-SIDECAR-PLACEMENT (doc §1.3), both modes: a `sidecar.istio.io/inject` or
/// `sidecar.istio.io/rewriteAppHTTPProbers` annotation on the Service's own
/// `metadata.annotations` but not on `spec.template.metadata` is a warning, since only the
/// revision template reaches the pods. Stateless; any thread. It deliberately never denies, and
/// counts a template label as well as a template annotation for `inject`.
struct KnativeServiceSidecarPlacementValidation: ValidationRule {
    let ids = ["KSVC-SIDECAR-PLACEMENT"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let object = context.object
        guard let annotations = try object.object(at: KnativeServiceFields.annotations) else { return [] }
        var findings: [Finding] = []
        for key in [KnativeServiceFields.injectKey, KnativeServiceFields.rewriteProbersKey] {
            guard let value = annotations[key], !value.isNull else { continue }
            var onTemplate = try JSONView.string(forKey: key, in: context.templateAnnotations(), at: KnativeServiceFields.templateAnnotations) != nil
            if key == KnativeServiceFields.injectKey, !onTemplate {
                onTemplate = try JSONView.string(forKey: key, in: context.templateLabels(), at: KnativeServiceFields.templateLabels) != nil
            }
            if !onTemplate {
                findings.append(context.finding(ids[0], .warn,
                    "\(key) belongs on spec.template (doc §1.3). Fix: move it there."))
            }
        }
        return findings
    }
}

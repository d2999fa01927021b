// KSVC-SIDECAR-REQUIRED: with Kourier disabled, every Knative Service must be in the mesh (doc §1.3).
import Admission

/// Validation KSVC-SIDECAR-REQUIRED (doc §1.3), mesh-ingress mode only: the revision template
/// must ask for the Istio sidecar with `"true"` in the place `sidecarInjection` names (with
/// `off`, the annotation or the label), and no `sidecar.istio.io/inject` annotation or label on
/// the template may say anything else. Stateless; any thread. It deliberately accepts only the
/// exact text `"true"` (not Istio's looser `"yes"`/`"on"`), and looks at nothing outside
/// `spec.template.metadata` (KSVC-SIDECAR-PLACEMENT warns about the Service's own metadata).
struct KnativeServiceSidecarRequiredValidation: ValidationRule {
    let ids = ["KSVC-SIDECAR-REQUIRED"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context) && context.isMeshIngress
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let injection = try KnativeServiceSidecarInjection(context, mode: context.configuration.knativeService.sidecarInjection)
        guard let problem = injection.problem else { return [] }
        let why = "with Kourier disabled every Knative Service must be in the mesh (doc §1.3)"
        let message: String
        if let value = problem.value {
            let place = problem.isLabel ? "label" : "annotation"
            message = "\(problem.field) is \(FindingText.quoted(value)); \(why). Fix: remove the \(place) or set it to \"true\"."
        } else {
            message = "\(problem.field) is not set; \(why). Fix: set it to \"true\"."
        }
        return [context.finding(ids[0], .deny, message)]
    }
}

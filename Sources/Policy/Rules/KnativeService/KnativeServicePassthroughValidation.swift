// KSVC-PASSTHROUGH (validation): the passthrough annotation's value and placement (doc §1.3).
import Admission

/// Validation KSVC-PASSTHROUGH (doc §1.3), both modes. On the Service's `metadata.annotations`,
/// `serving.knative.openshift.io/enablePassthrough` must be `"true"` or `"false"` (else deny
/// 422), and `"true"` needs the template's sidecar injection to be `"true"` (else deny 403: the
/// gateway would pass encrypted traffic to a pod without a sidecar to end it). On
/// `spec.template.metadata.annotations` it has no effect: warn. Stateless; any thread. It
/// deliberately does not require the annotation (the mutation adds it when configured).
struct KnativeServicePassthroughValidation: ValidationRule {
    let ids = ["KSVC-PASSTHROUGH"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let key = KnativeServiceFields.passthroughKey
        var findings: [Finding] = []
        if let value = try context.object.string(forKey: key, inMapAt: KnativeServiceFields.At.annotations) {
            let field = FindingText.field(KnativeServiceFields.annotations, key: key)
            switch value {
            case "false":
                break
            case "true":
                let injection = try KnativeServiceSidecarInjection(context, mode: context.configuration.knativeService.sidecarInjection)
                if let problem = injection.problem {
                    let found = problem.value.map { "is \(FindingText.quoted($0))" } ?? "is not set"
                    findings.append(context.finding(ids[0], .deny,
                        "\(field) is \"true\" but \(problem.field) \(found); passthrough needs the sidecar to end TLS in the pod (doc §1.3). Fix: set the sidecar annotation to \"true\" or passthrough to \"false\"."))
                }
            default:
                findings.append(context.finding(ids[0], .deny,
                    "\(field) is \(FindingText.quoted(value)); Knative reads only \"true\" or \"false\" (doc §1.3). Fix: set it to \"true\" or \"false\".", code: 422))
            }
        }
        if try JSONView.string(forKey: key, in: context.templateAnnotations(), at: KnativeServiceFields.templateAnnotations) != nil {
            findings.append(context.finding(ids[0], .warn,
                "\(key) works only on metadata (doc §1.3). Fix: move it there."))
        }
        return findings
    }
}

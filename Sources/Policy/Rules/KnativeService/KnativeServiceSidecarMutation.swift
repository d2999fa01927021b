// KSVC-SIDECAR: puts every Knative Service's revisions in the mesh (doc §1.3).
import Admission

/// Mutation KSVC-SIDECAR (doc §1.3): sets `sidecar.istio.io/inject: "true"` on
/// `spec.template.metadata` (annotation or label per `knativeService.sidecarInjection`) and,
/// with `rewriteAppHTTPProbers`, the `sidecar.istio.io/rewriteAppHTTPProbers: "true"` template
/// annotation. Stateless; any thread. It deliberately never overwrites a value the user wrote
/// (an explicit `"false"`, in either place, is kept for KSVC-SIDECAR-REQUIRED to judge), and
/// does nothing at all when `sidecarInjection` is `off`.
struct KnativeServiceSidecarMutation: MutationRule {
    let ids = ["KSVC-SIDECAR"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context) && context.configuration.knativeService.sidecarInjection != .off
    }

    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding] {
        let settings = context.configuration.knativeService
        let injection = try KnativeServiceSidecarInjection(context.object, mode: settings.sidecarInjection)
        let useLabel = settings.sidecarInjection == .label
        let (target, other) = useLabel ? (injection.label, injection.annotation) : (injection.annotation, injection.label)
        var findings: [Finding] = []
        if target == nil, other == nil || other == "true" {
            let map = useLabel ? KnativeServiceFields.templateLabels : KnativeServiceFields.templateAnnotations
            try patch.setField(map + [KnativeServiceFields.injectKey], to: "true")
            findings.append(note(map, KnativeServiceFields.injectKey))
        }
        if settings.rewriteAppHTTPProbers,
           try context.object.string(forKey: KnativeServiceFields.rewriteProbersKey, inMapAt: KnativeServiceFields.templateAnnotations) == nil {
            try patch.setField(KnativeServiceFields.templateAnnotations + [KnativeServiceFields.rewriteProbersKey], to: "true")
            findings.append(note(KnativeServiceFields.templateAnnotations, KnativeServiceFields.rewriteProbersKey))
        }
        return findings
    }

    private func note(_ map: [String], _ key: String) -> Finding {
        Finding(ruleID: "KSVC-SIDECAR", effect: .patch, message: "set \(FindingText.field(map, key: key)) = \"true\"")
    }
}

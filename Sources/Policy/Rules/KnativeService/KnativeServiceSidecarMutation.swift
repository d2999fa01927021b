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
        // The two settings read, not the whole `knativeService` copied (a retain and release of
        // each of its strings and lists).
        let mode = context.configuration.knativeService.sidecarInjection
        let rewriteProbers = context.configuration.knativeService.rewriteAppHTTPProbers
        // The template's annotations found once for both keys this rule reads there, and
        // handed to the patch builder, which then need not walk to them to add either.
        let annotations = try context.templateAnnotations()
        let injection = try KnativeServiceSidecarInjection(context, templateAnnotations: annotations, mode: mode)
        let useLabel = mode == .label
        let (target, other) = useLabel ? (injection.label, injection.annotation) : (injection.annotation, injection.label)
        var findings: [Finding] = []
        // One allocation for this rule's (at most) two notes and the later rules': the engine
        // appends theirs to the first rule's array (growing it cost ~230 instructions a review).
        findings.reserveCapacity(4)
        if target == nil, other == nil || other == "true" {
            // Each static read in place: `let write = useLabel ? … : …` copied a `Write` (a
            // retain and release of each of its six arrays and strings).
            if useLabel {
                try patch.setField(Self.injectLabel.path, to: "true")
                findings.append(Finding(ruleID: ids[0], effect: .patch, message: Self.injectLabel.note))
            } else {
                try patch.setField(Self.injectAnnotation.path, to: "true", inOriginal: annotations)
                findings.append(Finding(ruleID: ids[0], effect: .patch, message: Self.injectAnnotation.note))
            }
        }
        if rewriteProbers,
           try JSONView.string(forKey: KnativeServiceFields.rewriteProbersKey, in: annotations, at: KnativeServiceFields.templateAnnotations) == nil {
            try patch.setField(Self.rewriteProbers.path, to: "true", inOriginal: annotations)
            findings.append(Finding(ruleID: ids[0], effect: .patch, message: Self.rewriteProbers.note))
        }
        return findings
    }

    /// A field this rule sets to "true": its path and the note saying so. Built once (this
    /// rule patches nearly every Knative Service, on the hot path).
    private struct Write {
        let path: JSONPath
        let note: String

        init(_ map: [String], _ key: String) {
            path = JSONPath(map, key: key)
            note = "set \(FindingText.field(map, key: key)) = \"true\""
        }
    }

    private static let injectAnnotation = Write(KnativeServiceFields.templateAnnotations, KnativeServiceFields.injectKey)
    private static let injectLabel = Write(KnativeServiceFields.templateLabels, KnativeServiceFields.injectKey)
    private static let rewriteProbers = Write(KnativeServiceFields.templateAnnotations, KnativeServiceFields.rewriteProbersKey)
}

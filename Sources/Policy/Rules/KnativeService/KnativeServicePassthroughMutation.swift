// KSVC-PASSTHROUGH (mutation): lets the mesh gateway pass encrypted traffic through (doc §1.3).
import Admission

/// Mutation KSVC-PASSTHROUGH (doc §1.3): with `knativeService.passthrough`, sets
/// `serving.knative.openshift.io/enablePassthrough: "true"` on the Service's own
/// `metadata.annotations`. Stateless; any thread. It deliberately keeps any value the user
/// wrote (an explicit `"false"` stays; a bad value is left for the validating rule) and does
/// not touch `spec.template` (the annotation has no effect there).
struct KnativeServicePassthroughMutation: MutationRule {
    let ids = ["KSVC-PASSTHROUGH"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context) && context.configuration.knativeService.passthrough
    }

    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding] {
        // The annotations found once, for the read and for the patch builder (which then
        // need not walk to them to add the key).
        let annotations = try context.object.object(at: KnativeServiceFields.At.annotations)
        guard try JSONView.string(forKey: KnativeServiceFields.passthroughKey, in: annotations, at: KnativeServiceFields.annotations) == nil else {
            return []
        }
        try patch.setField(Self.path, to: "true", inOriginal: annotations)
        return [Finding(ruleID: ids[0], effect: .patch, message: Self.note)]
    }

    // Built once: this rule patches nearly every Knative Service, on the hot path.
    private static let path = JSONPath(KnativeServiceFields.annotations, key: KnativeServiceFields.passthroughKey)
    private static let note = "set \(FindingText.field(KnativeServiceFields.annotations, key: KnativeServiceFields.passthroughKey)) = \"true\""
}

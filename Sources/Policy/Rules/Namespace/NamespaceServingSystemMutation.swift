// NS-SERVING-SYSTEM: labels the Serving namespaces for the Kourier-mode network policies (doc §1.5).
import Admission

/// Mutation NS-SERVING-SYSTEM (doc §1.5 note, Serverless <= 1.21.1): when
/// `namespaces.labelServingSystem`, the Namespaces named `servingNamespace` and
/// `servingIngressNamespace` get the label `knative.openshift.io/part-of: "openshift-serverless"`.
/// Stateless; any thread. Unlike the Knative Service rules it replaces a different value: the
/// network policy of doc §1.5 selects exactly this value, and these namespaces belong to
/// Serverless. It deliberately touches no other namespace and no other label.
struct NamespaceServingSystemMutation: MutationRule {
    let ids = ["NS-SERVING-SYSTEM"]
    static let key = "knative.openshift.io/part-of"
    static let value = "openshift-serverless"
    static let labels = ["metadata", "labels"]

    func applies(to context: RuleContext) -> Bool {
        let configuration = context.configuration
        guard configuration.namespaces.labelServingSystem, NamespaceFields.isNamespace(context), let name = context.name else { return false }
        return name == configuration.servingNamespace || name == configuration.servingIngressNamespace
    }

    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding] {
        guard try context.object.string(forKey: Self.key, inMapAt: Self.labels) != Self.value else { return [] }
        try patch.setField(Self.labels + [Self.key], to: .string(Self.value))
        return [Finding(ruleID: ids[0], effect: .patch,
                        message: "set \(FindingText.field(Self.labels, key: Self.key)) = \(FindingText.quoted(Self.value))")]
    }
}

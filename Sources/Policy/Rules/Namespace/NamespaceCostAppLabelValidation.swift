// NS-COST-APP-LABEL: a namespace label `app` does not group Knative costs (doc §2.2).
import Admission

/// Validation NS-COST-APP-LABEL (doc §2.2), both modes: with `namespaces.warnCostAppLabel`, a
/// Namespace carrying the label `app` gets a warning, because cost management will not count
/// Knative Service costs under it: revision pods carry `app=<revision>` and a pod label is not
/// overridden by the namespace's. Stateless; any thread. It deliberately never denies and does
/// not look at the label's value.
struct NamespaceCostAppLabelValidation: ValidationRule {
    let ids = ["NS-COST-APP-LABEL"]

    func applies(to context: RuleContext) -> Bool {
        context.configuration.namespaces.warnCostAppLabel && NamespaceFields.isNamespace(context)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        guard try context.object.string(forKey: "app", inMapAt: ["metadata", "labels"]) != nil else { return [] }
        return [context.finding(ids[0], .warn,
            "label \"app\" won't group Knative costs: pods carry app=<revision> (doc §2.2). Fix: use another key.")]
    }
}

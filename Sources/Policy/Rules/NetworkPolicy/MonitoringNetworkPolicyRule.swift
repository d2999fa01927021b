// NP-MONITORING: the Serving namespace admits Prometheus from openshift-monitoring (doc §1.4).

/// NP-MONITORING (policy.md; doc §1.4). A stateless rule value; any thread. Judges the
/// NetworkPolicy `allow-from-openshift-monitoring-ns` in `servingNamespace`, in both modes: it
/// must govern ingress (`policyTypes` absent or including Ingress) and have an ingress peer whose
/// namespaceSelector pins `name: openshift-monitoring` (matchLabels, or a matchExpressions `In`;
/// see `NamespaceSelector`). It deliberately does not judge podSelector narrowing or ports.
struct MonitoringNetworkPolicyRule: ValidationRule {
    static let id = "NP-MONITORING"
    static let policyName = "allow-from-openshift-monitoring-ns"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.networkPolicy, named: Self.policyName, in: context.configuration.servingNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let policy = try NetworkPolicyIngress(context.object)
        var problems: [String] = []
        if !policy.coversIngress { problems.append("spec.policyTypes lacks Ingress") }
        if !policy.admits(namespaceLabel: "name", "openshift-monitoring") {
            problems.append("no spec.ingress peer has namespaceSelector name: openshift-monitoring")
        }
        guard !problems.isEmpty else { return [] }
        return [context.finding(Self.id, .deny,
            "\(problems.joined(separator: ", ")); with mTLS, Prometheus in openshift-monitoring must reach the Serving metrics (doc §1.4). Fix: allow ingress from namespaceSelector matchLabels {name: openshift-monitoring}.")]
    }
}

// NP-SERVING-SYSTEM: with Kourier, a namespace's policy admits traffic from the Serverless system namespaces (doc §1.5).

/// NP-SERVING-SYSTEM (policy.md; doc §1.5). A stateless rule value; any thread. Judges every
/// NetworkPolicy named `allow-from-serving-system-namespace`, in any namespace, in kourier mode:
/// it must govern ingress (`policyTypes` absent, as the API server defaults it, or including
/// Ingress) and have an ingress peer whose namespaceSelector pins
/// `knative.openshift.io/part-of: openshift-serverless`. It deliberately does not check that
/// the Serverless namespaces carry that label (NS-SERVING-SYSTEM adds it when configured).
struct ServingSystemNetworkPolicyRule: ValidationRule {
    static let id = "NP-SERVING-SYSTEM"
    static let policyName = "allow-from-serving-system-namespace"
    static let label = "knative.openshift.io/part-of"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        !context.isMeshIngress && context.isMeshObject(.networkPolicy, named: Self.policyName)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let policy = try NetworkPolicyIngress(context.object)
        var problems: [String] = []
        if !policy.coversIngress { problems.append("spec.policyTypes lacks Ingress") }
        if !policy.admits(namespaceLabel: Self.label, "openshift-serverless") {
            problems.append("no spec.ingress peer has namespaceSelector \(Self.label): openshift-serverless")
        }
        guard !problems.isEmpty else { return [] }
        return [context.finding(Self.id, .deny,
            "\(problems.joined(separator: ", ")); with Kourier, the Serverless system namespaces must reach this namespace's pods (doc §1.5). Fix: allow ingress from namespaceSelector matchLabels {\(Self.label): \"openshift-serverless\"}, policyTypes [Ingress].")]
    }
}

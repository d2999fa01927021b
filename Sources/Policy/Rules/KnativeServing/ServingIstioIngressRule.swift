// KS-ISTIO-INGRESS: with Service Mesh as the only ingress, KnativeServing enables Istio and disables Kourier (doc §1.3).

/// KS-ISTIO-INGRESS (policy.md; doc §1.3 installs Serving with Kourier disabled). A stateless
/// rule value; any thread. Judges every KnativeServing (v1beta1, v1alpha1) in mesh-ingress
/// mode: `spec.ingress.istio.enabled` must be the boolean `true` and
/// `spec.ingress.kourier.enabled` must not be `true` (absent is fine). One denial lists both
/// problems. It deliberately does not check `spec.config.istio` gateway overrides.
struct ServingIstioIngressRule: ValidationRule {
    static let id = "KS-ISTIO-INGRESS"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress && context.isMeshObject(.knativeServing)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        var problems: [String] = []
        var fixes: [String] = []
        let istio = try context.object.flag(at: ["spec", "ingress", "istio", "enabled"])
        if istio != true {
            problems.append("spec.ingress.istio.enabled \(istio == false ? "is false" : "is not set")")
            fixes.append("spec.ingress.istio.enabled: true")
        }
        if try context.object.flag(at: ["spec", "ingress", "kourier", "enabled"]) == true {
            problems.append("spec.ingress.kourier.enabled is true")
            fixes.append("spec.ingress.kourier.enabled: false")
        }
        guard !problems.isEmpty else { return [] }
        return [context.finding(Self.id, .deny,
            "\(problems.joined(separator: ", ")); with Service Mesh as the only ingress, Serving must use Istio with Kourier disabled (doc §1.3). Fix: set \(fixes.joined(separator: " and ")).")]
    }
}

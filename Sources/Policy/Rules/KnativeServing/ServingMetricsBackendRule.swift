// KS-METRICS-BACKEND: with mTLS, Serving sends metrics to Prometheus only when told to (doc §1.4).

/// KS-METRICS-BACKEND (policy.md; doc §1.4: metrics are off by default with mTLS). A stateless
/// rule value; any thread. Judges every KnativeServing (v1beta1, v1alpha1), in both modes, when
/// `controlPlane.requireMTLS` is set: `spec.config.observability["metrics.backend-destination"]`
/// should be "prometheus", else it warns. It deliberately never denies.
struct ServingMetricsBackendRule: ValidationRule {
    static let id = "KS-METRICS-BACKEND"
    static let key = "metrics.backend-destination"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.configuration.controlPlane.requireMTLS && context.isMeshObject(.knativeServing)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let value = try context.object.stringMap(at: ["spec", "config", "observability"])?[Self.key]
        guard value != "prometheus" else { return [] }
        let text = MeshMessage.fitted(Self.id) { limit in
            let state = value.map { "is \(MeshMessage.quoted($0, limit: limit))" } ?? "is unset"
            return "\(Self.key) \(state): no metrics with mTLS (doc §1.4). Fix: use prometheus."
        }
        return [context.finding(Self.id, .warn, text)]
    }
}

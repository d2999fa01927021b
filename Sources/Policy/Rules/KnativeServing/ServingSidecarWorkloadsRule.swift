// KS-SIDECAR-WORKLOADS: the activator and autoscaler run with an Istio sidecar and rewritten probes (doc §1.3).
import Admission

/// KS-SIDECAR-WORKLOADS (policy.md; doc §1.3). A stateless rule value; any thread. Judges
/// every KnativeServing (v1beta1, v1alpha1) in mesh-ingress mode: among the entries of
/// `spec.deployments` and `spec.workloads` (each `{name, labels, annotations}`), `activator` and
/// `autoscaler` each need one entry whose `sidecar.istio.io/inject` is "true" (the label, or the
/// annotation when no label is set: Istio reads the label first) and whose annotation
/// `sidecar.istio.io/rewriteAppHTTPProbers` is "true" (Istio reads it only as an annotation).
/// One denial lists every gap. It deliberately does not check other deployments.
struct ServingSidecarWorkloadsRule: ValidationRule {
    static let id = "KS-SIDECAR-WORKLOADS"
    static let components = ["activator", "autoscaler"]
    static let injectKey = "sidecar.istio.io/inject"
    static let rewriteKey = "sidecar.istio.io/rewriteAppHTTPProbers"
    var ids: [String] { [Self.id] }

    /// One `spec.deployments` / `spec.workloads` entry, reduced to what the rule reads.
    private struct Entry {
        let name: String?
        let labels: [String: String]
        let annotations: [String: String]

        var injects: Bool { (labels[ServingSidecarWorkloadsRule.injectKey] ?? annotations[ServingSidecarWorkloadsRule.injectKey]) == "true" }
        var rewritesProbes: Bool { annotations[ServingSidecarWorkloadsRule.rewriteKey] == "true" }
    }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress && context.isMeshObject(.knativeServing)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        var entries: [Entry] = []
        for field in ["deployments", "workloads"] {
            for (index, element) in (try context.object.objectList(at: ["spec", field]) ?? []).enumerated() {
                let entry = try reading("spec.\(field)[\(index)]") { () throws(MalformedObject) -> Entry in
                    Entry(name: try element.string(at: ["name"]),
                          labels: try element.stringMap(at: ["labels"]) ?? [:],
                          annotations: try element.stringMap(at: ["annotations"]) ?? [:])
                }
                entries.append(entry)
            }
        }
        var problems: [String] = []
        for component in Self.components {
            let candidates = entries.filter { $0.name == component }
            guard let first = candidates.first else {
                problems.append("no spec.workloads or spec.deployments entry for \(component)")
                continue
            }
            if candidates.contains(where: { $0.injects && $0.rewritesProbes }) { continue }
            if !first.injects { problems.append("\(component) lacks \(Self.injectKey): \"true\"") }
            if !first.rewritesProbes {
                let asLabel = first.labels[Self.rewriteKey] == "true" ? " (a label; Istio reads the annotation)" : ""
                problems.append("\(component) lacks annotation \(Self.rewriteKey): \"true\"\(asLabel)")
            }
        }
        guard !problems.isEmpty else { return [] }
        return [context.finding(Self.id, .deny,
            "\(problems.joined(separator: ", ")); the activator and autoscaler must be in the mesh to reach Knative Services (doc §1.3). Fix: give both entries label \(Self.injectKey): \"true\" and annotation \(Self.rewriteKey): \"true\".")]
    }
}

// KSVC-GPU: turns the opt-in GPU annotation and lone GPU requests into limits (doc §3.1).
import Admission

/// Mutation KSVC-GPU (doc §3.1). If the template annotation `gpu.annotation` holds a whole
/// number N >= 1, sets `resources.limits[gpu.resource] = "N"` on the first container (as
/// `kn service create --limit nvidia.com/gpu=N` does) and makes its `requests` entry equal when
/// present. Then, for every container and init container whose `requests` has the GPU resource
/// and whose `limits` lacks it, copies the request into `limits` (Kubernetes rejects an
/// extended-resource request without a limit). Stateless; any thread. It deliberately leaves
/// invalid quantities (`"0.5"`, `"1Gi"`, `0`) and invalid annotations untouched for
/// KSVC-GPU-QUANTITY to deny, and treats an existing equal count (`1` vs `"1"`) as no change.
struct KnativeServiceGPUMutation: MutationRule {
    let ids = ["KSVC-GPU"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context)
    }

    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding] {
        let gpu = context.configuration.knativeService.gpu
        var findings: [Finding] = []
        if let text = try JSONView.string(forKey: gpu.annotation, in: context.templateAnnotations(), at: KnativeServiceFields.templateAnnotations),
           let count = GPUQuantity(text: text).positiveCount {
            let entries = try KnativeServiceGPUResources.read(context, resource: gpu.resource, includingFirstAppContainer: true)
            if let first = entries.first(where: { !$0.isInitContainer }) {
                let value = JSONValue.string(String(count))
                if GPUQuantity(first.limit) != .count(count) {
                    try patch.setField(first.limitPath + [gpu.resource], to: value)
                    findings.append(note(first.limitPath, gpu.resource, value))
                }
                if first.request != nil, GPUQuantity(first.request) != .count(count) {
                    try patch.setField(first.requestPath + [gpu.resource], to: value)
                    findings.append(note(first.requestPath, gpu.resource, value))
                }
            } else {
                findings.append(Finding(ruleID: ids[0], effect: .warn,
                    message: "\(gpu.annotation) is set but there is no container for GPUs (doc §3.1). Fix: add a container."))
            }
        }
        // Only containers with a GPU request qualify (the step above changes requests only where
        // one exists); their limit is read back through the patch, which that step may have set.
        for entry in try KnativeServiceGPUResources.read(context, resource: gpu.resource)
        where entry.request != nil && patch.value(at: entry.limitPath + [gpu.resource]) == nil {
            guard let request = patch.value(at: entry.requestPath + [gpu.resource]), GPUQuantity(request).positiveCount != nil else { continue }
            try patch.setField(entry.limitPath + [gpu.resource], to: request)
            findings.append(note(entry.limitPath, gpu.resource, request))
        }
        return findings
    }

    private func note(_ map: [String], _ key: String, _ value: JSONValue) -> Finding {
        Finding(ruleID: ids[0], effect: .patch, message: "set \(FindingText.field(map, key: key)) = \(GPUQuantity.display(value))")
    }
}

// KSVC-GPU-ARCH: NVIDIA GPUs are not supported on IBM zSystems and IBM Power nodes (doc §3.1).
import Admission

/// Validation KSVC-GPU-ARCH (doc §3.1), both modes: a Service that asks for GPUs (a GPU entry in
/// any container's `requests` or `limits` other than an explicit 0, or the GPU annotation) and
/// pins its pods with `spec.template.spec.nodeSelector["kubernetes.io/arch"]` to one of
/// `gpu.unsupportedArchitectures` is denied (403). Stateless; any thread. It deliberately
/// reads only `nodeSelector`, not node affinity, and reads the containers only once the
/// architecture matches.
struct KnativeServiceGPUArchitectureValidation: ValidationRule {
    let ids = ["KSVC-GPU-ARCH"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context) && !context.configuration.knativeService.gpu.unsupportedArchitectures.isEmpty
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let gpu = context.configuration.knativeService.gpu
        guard let architecture = try context.object.string(forKey: KnativeServiceFields.architectureKey, inMapAt: KnativeServiceFields.At.nodeSelector),
              gpu.unsupportedArchitectures.contains(architecture) else { return [] }
        var asksForGPUs = try JSONView.string(forKey: gpu.annotation, in: context.templateAnnotations(), at: KnativeServiceFields.templateAnnotations) != nil
        if !asksForGPUs {
            asksForGPUs = try KnativeServiceGPUResources.read(context, resource: gpu.resource).contains { entry in
                [entry.request, entry.limit].contains { value in value != nil && GPUQuantity(value) != .count(0) }
            }
        }
        guard asksForGPUs else { return [] }
        let field = FindingText.field(KnativeServiceFields.nodeSelector, key: KnativeServiceFields.architectureKey)
        return [context.finding(ids[0], .deny,
            "\(field) is \(FindingText.quoted(architecture)) but the Service asks for \(gpu.resource); GPUs are not supported on \(architecture) nodes (doc §3.1). Fix: drop the GPUs or schedule on another architecture.")]
    }
}

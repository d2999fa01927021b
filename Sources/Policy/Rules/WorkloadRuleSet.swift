// Rules for workloads: Knative Services, Secrets, Namespaces.

extension Policy {
    /// KSVC-SIDECAR, KSVC-PASSTHROUGH, KSVC-GPU, SECRET-CERT-UID, NS-SERVING-SYSTEM, in this order.
    static let workloadMutations: [any MutationRule] = [
        KnativeServiceSidecarMutation(),
        KnativeServicePassthroughMutation(),
        KnativeServiceGPUMutation(),
        SecretCertificateUIDMutation(),
        NamespaceServingSystemMutation(),
    ]
    /// KSVC-*, NS-COST-APP-LABEL.
    static let workloadValidations: [any ValidationRule] = [
        KnativeServiceSidecarRequiredValidation(),
        KnativeServicePassthroughValidation(),
        KnativeServiceSidecarPlacementValidation(),
        KnativeServiceGPUQuantityValidation(),
        KnativeServiceGPUArchitectureValidation(),
        NamespaceCostAppLabelValidation(),
    ]
}

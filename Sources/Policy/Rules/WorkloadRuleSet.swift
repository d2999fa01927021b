// Rules for workloads: Knative Services, Secrets, Namespaces.

extension Policy {
    /// KSVC-SIDECAR, KSVC-PASSTHROUGH, KSVC-GPU, SECRET-CERT-UID, NS-SERVING-SYSTEM.
    static let workloadMutations: [any MutationRule] = []
    /// KSVC-*, NS-COST-APP-LABEL.
    static let workloadValidations: [any ValidationRule] = []
}

// Every rule ID of policy.md, for validating `rules.disabled` / `rules.warnOnly` and for docs.

/// The rule IDs policy.md defines: the mutations (served at /mutate) and the validations
/// (served at /validate). `KSVC-PASSTHROUGH` is in both tables: one ID, two behaviours.
///
/// Static data; any thread. Read by the configuration loader to reject unknown IDs in
/// `rules.disabled` and `rules.warnOnly`. It deliberately does not know the rules
/// themselves (they live in Sources/Policy/Rules); a test there should check that every ID a
/// rule reports is listed here.
public enum RuleCatalog {
    /// policy.md "Mutations", in table order.
    public static let mutationIDs: [String] = [
        "KSVC-SIDECAR",
        "KSVC-PASSTHROUGH",
        "KSVC-GPU",
        "SECRET-CERT-UID",
        "NS-SERVING-SYSTEM",
    ]

    /// policy.md "Validations", in table order.
    public static let validationIDs: [String] = [
        "SMMR-REQUIRED-MEMBERS",
        "SMMR-MEMBER-NAMES",
        "SMMR-NAME",
        "SMCP-VERSION",
        "SMCP-MTLS",
        "SMCP-METRICS-PORTS",
        "GW-INGRESS",
        "GW-LOCAL",
        "GW-SELECTOR",
        "GW-TLS",
        "SVC-LOCAL-GATEWAY",
        "KS-ISTIO-INGRESS",
        "KS-SIDECAR-WORKLOADS",
        "KS-SECRET-FILTERING",
        "KS-METRICS-BACKEND",
        "KSVC-SIDECAR-REQUIRED",
        "KSVC-PASSTHROUGH",
        "KSVC-SIDECAR-PLACEMENT",
        "KSVC-GPU-QUANTITY",
        "KSVC-GPU-ARCH",
        "NP-MONITORING",
        "NP-SERVING-SYSTEM",
        "NS-COST-APP-LABEL",
    ]

    /// Every ID once: the mutations, then the validations not already listed (27 in all).
    public static let allIDs: [String] = {
        var ids = mutationIDs
        for id in validationIDs where !ids.contains(id) { ids.append(id) }
        return ids
    }()

    /// True when `id` is a rule ID of policy.md (exact, case-sensitive).
    public static func contains(_ id: String) -> Bool { allIDs.contains(id) }
}

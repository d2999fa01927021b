// Rules for the Service Mesh and Serving configuration objects.

extension Policy {
    /// SMMR-*, SMCP-*, GW-*, SVC-LOCAL-GATEWAY, KS-*, NP-*, in policy.md's table order.
    static let meshValidations: [any ValidationRule] = [
        MemberRollRequiredMembersRule(),
        MemberRollMemberNamesRule(),
        MemberRollNameRule(),
        ControlPlaneVersionRule(),
        ControlPlaneMTLSRule(),
        ControlPlaneMetricsPortsRule(),
        IngressGatewayRule(),
        LocalGatewayRule(),
        GatewaySelectorRule(),
        GatewayTLSRule(),
        LocalGatewayServiceRule(),
        ServingIstioIngressRule(),
        ServingSidecarWorkloadsRule(),
        ServingSecretFilteringRule(),
        ServingMetricsBackendRule(),
        MonitoringNetworkPolicyRule(),
        ServingSystemNetworkPolicyRule(),
    ]
}

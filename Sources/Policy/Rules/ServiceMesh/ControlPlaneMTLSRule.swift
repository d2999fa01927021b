// SMCP-MTLS: with mesh-ingress and requireMTLS, the control plane turns on data-plane mTLS (doc §1.3).

/// SMCP-MTLS (policy.md; doc §1.3). A stateless rule value; any thread. Judges the
/// ServiceMeshControlPlane in `meshNamespace` in mesh-ingress mode when
/// `controlPlane.requireMTLS` is set: `spec.security.dataPlane.mtls` must be the boolean
/// `true` (absent or false denies; a string is malformed). It deliberately does not look at
/// PeerAuthentication objects, which the documented setup does not use.
struct ControlPlaneMTLSRule: ValidationRule {
    static let id = "SMCP-MTLS"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress && context.configuration.controlPlane.requireMTLS
            && context.isMeshObject(.controlPlane, in: context.configuration.meshNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let mtls = try context.object.flag(at: ["spec", "security", "dataPlane", "mtls"])
        guard mtls != true else { return [] }
        let state = mtls == false ? "is false" : "is not set"
        return [context.finding(Self.id, .deny,
            "spec.security.dataPlane.mtls \(state); Serverless on Service Mesh is documented with mTLS between all workloads (doc §1.3). Fix: set spec.security.dataPlane.mtls: true.")]
    }
}

// SMCP-VERSION: the control plane runs a Service Mesh version the policy knows, new enough for mesh-ingress (doc §1.3).

/// SMCP-VERSION (policy.md; doc §1.3: Service Mesh 2.0.5 or later; Kourier mode supports 1.x
/// and 2.x). A stateless rule value; any thread. Judges the ServiceMeshControlPlane in
/// `meshNamespace` (the Serverless mesh), in both modes: `spec.version`, when set, must be one
/// of v1.1, v2.0 … v2.6 (a well-formed unknown version such as v2.7 is denied 403 until the
/// policy learns it; a malformed one is 422); in mesh-ingress mode it must also be at least
/// `controlPlane.minVersion`, compared numerically. An unset version is the operator's default
/// (its newest) and passes. It deliberately does not judge control planes of other meshes.
struct ControlPlaneVersionRule: ValidationRule {
    static let id = "SMCP-VERSION"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.controlPlane, in: context.configuration.meshNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        guard let text = try context.object.string(at: ["spec", "version"]) else { return [] }
        guard let version = MeshVersion(text) else {
            return [context.finding(Self.id, .deny,
                "spec.version \(MeshMessage.quoted(text, limit: 24)) is not a version of the form vMAJOR.MINOR; the operator cannot install it (doc §1.3). Fix: use one of \(MeshVersion.supportedText).",
                code: 422)]
        }
        guard MeshVersion.supported.contains(version) else {
            return [context.finding(Self.id, .deny,
                "spec.version \(version) is not one of \(MeshVersion.supportedText); Serverless is documented only with those (doc §1.3). Fix: use one of them, or list SMCP-VERSION in rules.warnOnly for a newer mesh.")]
        }
        let minimumText = context.configuration.controlPlane.minVersion
        guard context.isMeshIngress, let minimum = MeshVersion(minimumText, requirePrefix: false), version < minimum else { return [] }
        return [context.finding(Self.id, .deny,
            "spec.version \(version) is older than \(minimum); Serverless with Service Mesh as its only ingress needs Service Mesh 2.0.5 or later (doc §1.3). Fix: set spec.version to \(minimum) or later.")]
    }
}

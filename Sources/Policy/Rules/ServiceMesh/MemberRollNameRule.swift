// SMMR-NAME: the Serverless members belong in the one roll the mesh reads, "default" in the mesh namespace.

/// SMMR-NAME (policy.md; doc §1.3). A stateless rule value; any thread. Warns about every
/// ServiceMeshMemberRoll that is not `default` in `meshNamespace`, in both modes: the control
/// plane only reads that roll, and moving Serverless to another roll is unsupported. It
/// deliberately never denies: other meshes on the cluster may have rolls of their own.
struct MemberRollNameRule: ValidationRule {
    static let id = "SMMR-NAME"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.memberRoll)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let meshNamespace = context.configuration.meshNamespace
        guard context.name != "default" || context.namespace != meshNamespace else { return [] }
        let text = MeshMessage.fitted(Self.id) { limit in
            let name = MeshMessage.quoted("\(context.namespace ?? "")/\(context.name ?? "")", limit: limit)
            return "the mesh reads only \(meshNamespace)/default, not \(name) (doc §1.3). Fix: use that roll."
        }
        return [context.finding(Self.id, .warn, text)]
    }
}

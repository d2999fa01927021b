// SMMR-REQUIRED-MEMBERS: the member roll the mesh reads lists every required Serverless namespace (doc §1.3).

/// SMMR-REQUIRED-MEMBERS (policy.md; doc §1.3 IMPORTANT: the list must include knative-serving).
/// A stateless rule value; any thread. Judges only the roll the mesh reads, `default` in
/// `meshNamespace` (other rolls belong to other meshes; SMMR-NAME warns about them), and only
/// in mesh-ingress mode. A member `*` (every namespace) satisfies it. It deliberately does not
/// check `spec.memberSelectors`: namespaces they pick are unknown at admission time.
struct MemberRollRequiredMembersRule: ValidationRule {
    static let id = "SMMR-REQUIRED-MEMBERS"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshIngress
            && context.isMeshObject(.memberRoll, named: "default", in: context.configuration.meshNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let members = try context.object.stringList(at: ["spec", "members"]) ?? []
        if members.contains("*") { return [] }
        let missing = context.configuration.memberRoll.requiredMembers.filter { !members.contains($0) }
        guard !missing.isEmpty else { return [] }
        let listed = missing.map { MeshMessage.quoted($0) }.joined(separator: ", ")
        let names = missing.joined(separator: ", ")
        return [context.finding(Self.id, .deny,
            "spec.members does not contain \(listed); the mesh only admits Serverless traffic from member namespaces (doc §1.3). Fix: add \(names) to spec.members.")]
    }
}

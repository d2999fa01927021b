// SMMR-MEMBER-NAMES: every member roll entry is a namespace name (DNS-1123 label) or a lone "*"; repeats warn.

/// SMMR-MEMBER-NAMES (policy.md; doc §1.3). A stateless rule value; any thread. Judges every
/// ServiceMeshMemberRoll in any namespace, in both modes: an entry must be a DNS-1123 label
/// (RFC 1123 §2.1 as Kubernetes restricts it: lowercase alphanumerics and "-", at most 63) or
/// exactly `*`; a glob such as `knative-*` is denied. One denial lists every bad entry; one
/// warning lists the repeats. It deliberately does not check that the namespaces exist.
struct MemberRollMemberNamesRule: ValidationRule {
    static let id = "SMMR-MEMBER-NAMES"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.memberRoll)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        guard let members = try context.object.stringList(at: ["spec", "members"]) else { return [] }
        var findings: [Finding] = []
        let invalid = members.enumerated().filter { $0.element != "*" && !Self.isDNS1123Label($0.element) }
        if !invalid.isEmpty {
            let listed = invalid.prefix(3).map { "spec.members[\($0.offset)] \(MeshMessage.quoted($0.element))" }
            let more = invalid.count > 3 ? " and \(invalid.count - 3) more" : ""
            let verb = invalid.count == 1 ? "is" : "are"
            findings.append(context.finding(Self.id, .deny,
                "\(listed.joined(separator: ", "))\(more) \(verb) not a namespace name (lowercase a-z, 0-9 and \"-\", at most 63) or a lone \"*\"; the mesh can only add existing namespaces (doc §1.3). Fix: list each namespace by its exact name, or \"*\" alone for all.",
                code: 422))
        }
        var seen = Set<String>()
        var repeated: [String] = []
        for member in members where !seen.insert(member).inserted && !repeated.contains(member) {
            repeated.append(member)
        }
        if let first = repeated.first {
            let more = repeated.count > 1 ? " (and \(repeated.count - 1) more)" : ""
            let text = MeshMessage.fitted(Self.id) { limit in
                "spec.members repeats \(MeshMessage.quoted(first, limit: limit))\(more), to no effect (doc §1.3). Fix: remove it."
            }
            findings.append(context.finding(Self.id, .warn, text))
        }
        return findings
    }

    /// A Kubernetes DNS-1123 label: 1–63 of `a-z`, `0-9`, `-`, starting and ending alphanumeric.
    static func isDNS1123Label(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2D }
    }
}

// SECRET-CERT-UID: labels TLS secrets so Knative's filtered secret informer can see them (doc §1.6).
import Admission

/// Mutation SECRET-CERT-UID (doc §1.6): a v1 Secret of a type in `secrets.types`, in
/// `secrets.namespaces` (empty: any), without the `secrets.certificateUIDLabel` label gets it.
/// The value is the UID of an ownerReference of kind `Certificate` in group
/// `networking.internal.knative.dev` (any version) if there is one, else `metadata.uid` (set
/// on UPDATE; on CREATE the API server assigns it only after mutating admission), else the
/// review's request UID. Knative only tests that the label exists. Stateless; any thread. It
/// deliberately never changes an existing value (even an empty one), never reads the Secret's
/// data, and skips a candidate that is not a valid label value (63 characters of
/// `[A-Za-z0-9._-]`, alphanumeric at both ends), since a bad label would make the API server
/// reject the write; when none is valid it warns and patches nothing.
struct SecretCertificateUIDMutation: MutationRule {
    let ids = ["SECRET-CERT-UID"]
    static let certificateGroup = "networking.internal.knative.dev"
    static let labels = ["metadata", "labels"]

    func applies(to context: RuleContext) -> Bool {
        let kind = context.kind
        guard kind.group.isEmpty, kind.version == "v1", kind.kind == "Secret", (context.request.subResource ?? "").isEmpty else { return false }
        let namespaces = context.configuration.secrets.namespaces
        return namespaces.isEmpty || context.namespace.map(namespaces.contains) == true
    }

    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding] {
        let settings = context.configuration.secrets
        let object = context.object
        // A Secret without `type` is Opaque (Kubernetes' default).
        guard settings.types.contains(try object.string(at: ["type"]) ?? "Opaque"),
              try object.string(forKey: settings.certificateUIDLabel, inMapAt: Self.labels) == nil else { return [] }
        let field = FindingText.field(Self.labels, key: settings.certificateUIDLabel)
        var candidates: [String] = []
        if let owners = try object.array(at: ["metadata", "ownerReferences"]) {
            for (index, owner) in owners.enumerated() {
                let path = ["metadata", "ownerReferences", String(index)]
                guard owner.isObject else { throw MalformedObject(path: FindingText.field(path), expected: "an object") }
                guard owner["kind"]?.stringValue == "Certificate",
                      let apiVersion = owner["apiVersion"]?.stringValue,
                      apiVersion.split(separator: "/", maxSplits: 1).first.map(String.init) == Self.certificateGroup,
                      apiVersion.contains("/"),
                      let uid = owner["uid"]?.stringValue else { continue }
                candidates.append(uid)
            }
        }
        if let uid = try object.string(at: ["metadata", "uid"]) { candidates.append(uid) }
        candidates.append(context.request.uid)
        guard let value = candidates.first(where: Self.isLabelValue) else {
            return [Finding(ruleID: ids[0], effect: .warn,
                            message: "no UID fits label \(settings.certificateUIDLabel) (doc §1.6). Fix: add it yourself.")]
        }
        try patch.setField(Self.labels + [settings.certificateUIDLabel], to: .string(value))
        return [Finding(ruleID: ids[0], effect: .patch, message: "set \(field) = \(FindingText.quoted(value))")]
    }

    /// A non-empty Kubernetes label value: at most 63 characters of `[A-Za-z0-9._-]`, starting
    /// and ending with an alphanumeric character.
    static func isLabelValue(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}

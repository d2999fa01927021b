// Which requests the Namespace rules look at.
import Admission

/// The kind test shared by the NS-* rules. Stateless; any thread. It deliberately leaves the
/// `namespaces/status` and `namespaces/finalize` subresources alone (the namespace controller
/// writes them; labels do not change there).
enum NamespaceFields {
    /// A core v1 Namespace written through its main resource.
    static func isNamespace(_ context: RuleContext) -> Bool {
        let kind = context.kind
        return kind.group.isEmpty && kind.version == "v1" && kind.kind == "Namespace" && (context.request.subResource ?? "").isEmpty
    }
}

// A Kubernetes label selector (matchLabels, matchExpressions) read from a NetworkPolicy peer, and matched.
import Admission

/// A `namespaceSelector` of a NetworkPolicy peer. A value read per review; any thread. It
/// answers one question: does the selector pin label `key` to `value` and select a namespace
/// that carries only that label? So `matchLabels {name: openshift-monitoring}` and
/// `matchExpressions [{key: name, operator: In, values: [openshift-monitoring]}]` both count;
/// an empty selector (every namespace), or one with further requirements the policy cannot
/// know the namespace meets, does not. Operators follow apimachinery (In, NotIn, Exists,
/// DoesNotExist); an unknown operator selects nothing.
struct NamespaceSelector: Sendable {
    /// One `matchExpressions` entry (key, operator, values). A value; any thread.
    struct Requirement: Sendable {
        let key: String
        let operation: String
        let values: [String]
    }

    let matchLabels: [String: String]
    let requirements: [Requirement]

    /// Reads a selector object; throws on wrong types (path relative to the selector).
    init(_ selector: JSONView) throws(MalformedObject) {
        matchLabels = try selector.stringMap(at: ["matchLabels"]) ?? [:]
        var requirements: [Requirement] = []
        for (index, expression) in (try selector.objectList(at: ["matchExpressions"]) ?? []).enumerated() {
            let requirement = try reading("matchExpressions[\(index)]") { () throws(MalformedObject) -> Requirement in
                Requirement(key: try expression.string(at: ["key"]) ?? "",
                            operation: try expression.string(at: ["operator"]) ?? "",
                            values: try expression.stringList(at: ["values"]) ?? [])
            }
            requirements.append(requirement)
        }
        self.requirements = requirements
    }

    /// True when the selector names `key` (in matchLabels or an `In` expression) and selects a
    /// namespace whose only label is `key: value`.
    func pins(_ key: String, to value: String) -> Bool {
        let names = matchLabels[key] != nil || requirements.contains { $0.key == key && $0.operation == "In" }
        return names && matches([key: value])
    }

    /// apimachinery `LabelSelectorAsSelector` semantics: every matchLabels pair and every
    /// requirement holds.
    func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in requirements {
            let label = labels[requirement.key]
            switch requirement.operation {
            case "In": guard let label, requirement.values.contains(label) else { return false }
            case "NotIn": if let label, requirement.values.contains(label) { return false }
            case "Exists": if label == nil { return false }
            case "DoesNotExist": if label != nil { return false }
            default: return false
            }
        }
        return true
    }
}

// The two kinds of rule the engine runs: mutations (build patch operations) and validations.
import Admission

/// A validating rule: pure, no state, any thread. Returns its findings (deny or warn) for
/// one object; nothing when the object is fine or not its concern.
public protocol ValidationRule: Sendable {
    /// The rule IDs this rule can report (policy.md), for `rules.disabled` / `warnOnly` checks.
    var ids: [String] { get }
    /// True when the rule is concerned with this request (kind, name, namespace, mode).
    func applies(to context: RuleContext) -> Bool
    /// Throws `MalformedObject` when a field it reads has the wrong type.
    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding]
}

/// A mutating rule: pure, no state, any thread. Adds operations to `patch` (which knows the
/// earlier rules' changes and turns each write into `add`, `replace` or nothing against them)
/// and returns findings (`patch` effect for each change made, `warn` for anything it could not do).
public protocol MutationRule: Sendable {
    var ids: [String] { get }
    func applies(to context: RuleContext) -> Bool
    /// `context.object` is the object as received (`patch.original`); the rules' writes touch
    /// distinct fields, and `patch` resolves any overlap. Throws `MalformedObject` when a field
    /// it reads has the wrong type.
    func mutate(_ context: RuleContext, patch: inout JSONPatchBuilder) throws(MalformedObject) -> [Finding]
}

/// Thrown by a rule's reading helpers when the object has the wrong shape (e.g.
/// `spec.template` is a string): the engine denies on /validate with 400 and allows unchanged
/// with a warning on /mutate (policy.md, protocol rules).
public struct MalformedObject: Error, Sendable, Equatable {
    public let path: String
    public let expected: String

    public init(path: String, expected: String) {
        self.path = path
        self.expected = expected
    }

    public var message: String { "\(path) must be \(expected)" }
}

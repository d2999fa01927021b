// One rule's verdict on one object: a denial, a warning, or a note that it patched.

/// What a rule does when it fires.
public enum RuleEffect: String, Sendable, Equatable {
    case deny
    case warn
    case patch
}

/// One result of one rule. `message` is the text after the `[RULE-ID] ` prefix, which the
/// engine adds: what is wrong, why (doc section), and the fix (policy.md message format).
/// A value; any thread.
public struct Finding: Sendable, Equatable {
    public var ruleID: String
    public var effect: RuleEffect
    public var message: String
    /// For denials: 403 (Forbidden) by default, 422 (Invalid) for malformed values, 400 for an
    /// object that cannot be interpreted.
    public var code: Int

    public init(ruleID: String, effect: RuleEffect, message: String, code: Int = 403) {
        self.ruleID = ruleID
        self.effect = effect
        self.message = message
        self.code = code
    }

    /// `[RULE-ID] message`.
    public var text: String { "[\(ruleID)] \(message)" }
}

// The rule set of policy.md, in the order the engine runs it.

extension Policy {
    /// Mutating rules (policy.md, Mutations), in order.
    public static let defaultMutations: [any MutationRule] = workloadMutations

    /// Validating rules (policy.md, Validations).
    public static let defaultValidations: [any ValidationRule] = workloadValidations + meshValidations
}

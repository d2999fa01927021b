// KS-SECRET-FILTERING: the secret-informer-filtering annotation is "true" or "false"; "true" warns about labels (doc §1.6).

/// KS-SECRET-FILTERING (policy.md; doc §1.6). A stateless rule value; any thread. Judges every
/// KnativeServing (v1beta1, v1alpha1), in both modes: the annotation
/// `serverless.openshift.io/enable-secret-informer-filtering`, when set, must be exactly "true"
/// or "false" (422 otherwise); "true" warns that Knative then sees only Secrets carrying
/// `secrets.certificateUIDLabel`. It deliberately does not look at any Secret.
struct ServingSecretFilteringRule: ValidationRule {
    static let id = "KS-SECRET-FILTERING"
    static let annotation = "serverless.openshift.io/enable-secret-informer-filtering"
    var ids: [String] { [Self.id] }

    func applies(to context: RuleContext) -> Bool {
        context.isMeshObject(.knativeServing)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        guard let value = try context.object.stringMap(at: ["metadata", "annotations"])?[Self.annotation] else { return [] }
        switch value {
        case "false":
            return []
        case "true":
            return [context.finding(Self.id, .warn,
                "Knative skips Secrets without label \(context.configuration.secrets.certificateUIDLabel) (doc §1.6). Fix: add it.")]
        default:
            return [context.finding(Self.id, .deny,
                "metadata.annotations[\"\(Self.annotation)\"] is \(MeshMessage.quoted(value, limit: 24)); the operator reads only \"true\" or \"false\" (doc §1.6). Fix: set it to \"true\" or \"false\".",
                code: 422)]
        }
    }
}

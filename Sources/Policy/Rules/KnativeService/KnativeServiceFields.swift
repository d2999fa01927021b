// Where the Knative Service rules read and write: the kind, paths and keys (doc §1.3, §3.1).
import Admission

/// The field layout of a `serving.knative.dev/v1` Service shared by the KSVC-* rules.
/// Stateless constants and reads; any thread. It deliberately knows nothing of the other
/// Knative kinds (Configuration, Revision) nor of v1alpha1's different template layout, and
/// leaves subresources (`services/status`, written by the Knative controller) alone.
enum KnativeServiceFields {
    static let injectKey = "sidecar.istio.io/inject"
    static let rewriteProbersKey = "sidecar.istio.io/rewriteAppHTTPProbers"
    static let passthroughKey = "serving.knative.openshift.io/enablePassthrough"
    static let architectureKey = "kubernetes.io/arch"

    static let annotations = ["metadata", "annotations"]
    static let templateAnnotations = ["spec", "template", "metadata", "annotations"]
    static let templateLabels = ["spec", "template", "metadata", "labels"]
    static let templateMetadata = ["spec", "template", "metadata"]
    static let nodeSelector = ["spec", "template", "spec", "nodeSelector"]
    static let podSpec = ["spec", "template", "spec"]
    static let containers = ["spec", "template", "spec", "containers"]
    static let initContainers = ["spec", "template", "spec", "initContainers"]

    /// The same paths laid out for `JSONView.walk(_: JSONPath)`, for the reads every Knative
    /// Service review makes (each rule reads the template's annotations again).
    enum At {
        static let annotations = JSONPath(KnativeServiceFields.annotations)
        static let templateAnnotations = JSONPath(KnativeServiceFields.templateAnnotations)
        static let templateLabels = JSONPath(KnativeServiceFields.templateLabels)
        static let templateMetadata = JSONPath(KnativeServiceFields.templateMetadata)
        static let nodeSelector = JSONPath(KnativeServiceFields.nodeSelector)
        static let podSpec = JSONPath(KnativeServiceFields.podSpec)
        static let template = JSONPath(["spec", "template"])
    }

    /// A `serving.knative.dev/v1` Service written through its main resource.
    static func isKnativeService(_ context: RuleContext) -> Bool {
        context.isKnativeService
    }

    /// The same for a request (what `RuleContext` asks, once, before its rules run).
    static func isKnativeService(_ request: AdmissionRequest) -> Bool {
        // Read in place (no copy of the GVK), the short and most selective field first.
        request.kind.kind == "Service" && request.kind.version == "v1"
            && request.kind.group == "serving.knative.dev" && request.subResource?.isEmpty ?? true
    }
}

// What a rule sees: the request, its object, and the configuration.
import Admission

/// The input of one rule evaluation. A value built by the engine for each review; rules only
/// read it. `object` is the object being admitted (the new one on UPDATE), as received: a
/// `JSONView` into the request body. A mutation's earlier changes live in its
/// `JSONPatchBuilder`, which resolves every later write against them.
public struct RuleContext: Sendable {
    public let request: AdmissionRequest
    public let object: JSONView
    /// The configuration, shared with the `Policy` that made this context rather than copied
    /// for each review (a copy of a configuration counts a reference for each of its strings
    /// and lists).
    private let shared: SharedConfiguration
    public var configuration: PolicyConfiguration { shared.configuration }
    /// `spec.template.metadata.annotations` and `.labels` of a Knative Service (nil: absent
    /// or null), found once here for the KSVC-* rules, which read them several times a review
    /// (/mutate three, /validate up to seven). Nil for other kinds and for a template whose
    /// metadata or maps are not objects: `templateAnnotations()` and `templateLabels()` then
    /// walk themselves, with the same answers and errors as before.
    private let templateMaps: (annotations: JSONView?, labels: JSONView?)?

    public init(request: AdmissionRequest, object: JSONView, configuration: PolicyConfiguration) {
        self.init(request: request, object: object, shared: SharedConfiguration(configuration))
    }

    init(request: AdmissionRequest, object: JSONView, shared: SharedConfiguration) {
        self.request = request
        self.object = object
        self.shared = shared
        templateMaps = KnativeServiceFields.isKnativeService(request) ? Self.templateMaps(of: object) : nil
    }

    /// The two maps of the template's metadata, or nil where reading either one throws:
    /// a walk to the metadata and one scan of its members for both, where each read walked
    /// from the root.
    private static func templateMaps(of object: JSONView) -> (annotations: JSONView?, labels: JSONView?)? {
        switch object.walk(KnativeServiceFields.At.templateMetadata) {
        case .absent:
            return (nil, nil)
        case .notObject:
            return nil
        case .found(let metadata):
            guard metadata.isObject else { return nil }
            let (annotations, labels) = metadata.members("annotations", "labels")
            let annotationsMap = annotations.flatMap { $0.isNull ? nil : $0 }
            let labelsMap = labels.flatMap { $0.isNull ? nil : $0 }
            guard annotationsMap?.isObject ?? true, labelsMap?.isObject ?? true else { return nil }
            return (annotationsMap, labelsMap)
        }
    }

    /// `object.object(at:)` of `spec.template.metadata.annotations`: the same answers and
    /// errors (nil when absent or null; throws when it or a parent is not an object).
    func templateAnnotations() throws(MalformedObject) -> JSONView? {
        guard let templateMaps else { return try object.object(at: KnativeServiceFields.At.templateAnnotations) }
        return templateMaps.annotations
    }

    /// `spec.template.metadata.labels`, as `templateAnnotations()`.
    func templateLabels() throws(MalformedObject) -> JSONView? {
        guard let templateMaps else { return try object.object(at: KnativeServiceFields.At.templateLabels) }
        return templateMaps.labels
    }

    public var kind: GroupVersionKind { request.kind }
    /// The object's namespace: `metadata.namespace`, else the request's.
    public var namespace: String? { object["metadata", "namespace"]?.stringValue ?? request.namespace }
    /// The object's name: `metadata.name`, else the request's.
    public var name: String? { object["metadata", "name"]?.stringValue ?? request.name }
    public var isMeshIngress: Bool { configuration.integration == .meshIngress }

    /// A finding of `rule` with `effect` (the engine adds the `[ID]` prefix).
    public func finding(_ rule: String, _ effect: RuleEffect, _ message: String, code: Int = 403) -> Finding {
        Finding(ruleID: rule, effect: effect, message: message, code: code)
    }
}

/// A configuration held by reference: one per `Policy`, handed to each review's `RuleContext`.
/// Immutable; any thread.
final class SharedConfiguration: Sendable {
    let configuration: PolicyConfiguration

    init(_ configuration: PolicyConfiguration) { self.configuration = configuration }
}

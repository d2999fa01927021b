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
    /// `spec.template.metadata.annotations` and `.labels` and the pod spec `spec.template.spec`
    /// of a Knative Service (nil: absent or null), found once here for the KSVC-* rules, which
    /// read them several times a review (/mutate four, /validate up to nine). Not found for
    /// other kinds and for a template whose metadata or maps are not objects: the reads then
    /// walk themselves, with the same answers and errors as before. A flag and three fields,
    /// not an optional tuple: that was copied through its generic value witnesses (~420
    /// instructions a read).
    private let templateReadsFound: Bool
    /// Whether the request is a `serving.knative.dev/v1` Service (`KnativeServiceFields`),
    /// asked once here rather than by each KSVC-* rule's `applies` (three GPU, sidecar and
    /// passthrough rules on /mutate, six on /validate).
    let isKnativeService: Bool
    /// The request's mesh kind (`MeshObjectKind`), found once by `Policy.validate`, whose ~16
    /// mesh rules each ask it; not looked for on /mutate, whose rules never ask.
    let knownMeshKind: KnownMeshKind

    enum KnownMeshKind: Sendable {
        case notLookedFor
        case found(MeshObjectKind?)
    }
    private let templateAnnotationsMap: JSONView?
    private let templateLabelsMap: JSONView?
    private let templatePodSpecValue: JSONView?

    public init(request: AdmissionRequest, object: JSONView, configuration: PolicyConfiguration) {
        self.init(request: request, object: object, shared: SharedConfiguration(configuration))
    }

    @inline(__always)
    init(request: AdmissionRequest, object: JSONView, shared: SharedConfiguration, findingMeshKind: Bool = false) {
        self.request = request
        self.object = object
        self.shared = shared
        knownMeshKind = findingMeshKind ? .found(MeshObjectKind(request)) : .notLookedFor
        isKnativeService = KnativeServiceFields.isKnativeService(request)
        if isKnativeService, let reads = Self.templateReads(of: object) {
            (templateReadsFound, templateAnnotationsMap, templateLabelsMap, templatePodSpecValue)
                = (true, reads.annotations, reads.labels, reads.podSpec)
        } else {
            (templateReadsFound, templateAnnotationsMap, templateLabelsMap, templatePodSpecValue) = (false, nil, nil, nil)
        }
    }

    /// The template's two metadata maps and its pod spec, or nil where reading any of them
    /// throws: a walk to the template and a scan of the members of it and of its metadata,
    /// where each read walked from the root.
    private static func templateReads(of object: JSONView) -> (annotations: JSONView?, labels: JSONView?, podSpec: JSONView?)? {
        switch object.walk(KnativeServiceFields.At.template) {
        case .absent:
            return (nil, nil, nil)
        case .notObject:
            return nil
        case .found(let template):
            guard template.isObject else { return nil }
            let (metadata, spec) = template.members("metadata", "spec")
            // Any non-null pod spec, as `lookup` gives it (the GPU rules judge its type).
            let podSpec = spec.flatMap { $0.isNull ? nil : $0 }
            guard let metadata, !metadata.isNull else { return (nil, nil, podSpec) }
            guard metadata.isObject else { return nil }
            let (annotations, labels) = metadata.members("annotations", "labels")
            let annotationsMap = annotations.flatMap { $0.isNull ? nil : $0 }
            let labelsMap = labels.flatMap { $0.isNull ? nil : $0 }
            guard annotationsMap?.isObject ?? true, labelsMap?.isObject ?? true else { return nil }
            return (annotationsMap, labelsMap, podSpec)
        }
    }

    /// `object.object(at:)` of `spec.template.metadata.annotations`: the same answers and
    /// errors (nil when absent or null; throws when it or a parent is not an object).
    func templateAnnotations() throws(MalformedObject) -> JSONView? {
        guard templateReadsFound else { return try Self.walkedObject(object, at: KnativeServiceFields.At.templateAnnotations) }
        return templateAnnotationsMap
    }

    /// `spec.template.metadata.labels`, as `templateAnnotations()`.
    func templateLabels() throws(MalformedObject) -> JSONView? {
        guard templateReadsFound else { return try Self.walkedObject(object, at: KnativeServiceFields.At.templateLabels) }
        return templateLabelsMap
    }

    /// `object.lookup(_:)` of the pod spec `spec.template.spec`: nil when absent or null, else
    /// the value whatever its type; throws when a parent is not an object.
    func templatePodSpec() throws(MalformedObject) -> JSONView? {
        guard templateReadsFound else { return try Self.walkedValue(object, at: KnativeServiceFields.At.podSpec) }
        return templatePodSpecValue
    }

    // The walks for other kinds and malformed templates, out of line: the reads above stay a
    // test and a load where the rules call them.
    @inline(never)
    private static func walkedObject(_ object: JSONView, at path: JSONPath) throws(MalformedObject) -> JSONView? {
        try object.object(at: path)
    }

    @inline(never)
    private static func walkedValue(_ object: JSONView, at path: JSONPath) throws(MalformedObject) -> JSONView? {
        try object.lookup(path)
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

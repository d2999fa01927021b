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

    public init(request: AdmissionRequest, object: JSONView, configuration: PolicyConfiguration) {
        self.init(request: request, object: object, shared: SharedConfiguration(configuration))
    }

    init(request: AdmissionRequest, object: JSONView, shared: SharedConfiguration) {
        self.request = request
        self.object = object
        self.shared = shared
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

// The decoded `request` of an AdmissionReview (admission.k8s.io/v1 and v1beta1).

/// A Kubernetes group/version/kind, as in `request.kind` and `request.requestKind`.
public struct GroupVersionKind: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// `serving.knative.dev/v1 Service`, `v1 Secret` for the core group.
    public var description: String { group.isEmpty ? "\(version) \(kind)" : "\(group)/\(version) \(kind)" }
}

/// A Kubernetes group/version/resource, as in `request.resource`.
public struct GroupVersionResource: Sendable, Equatable, Hashable {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }
}

/// The operation being admitted.
public enum AdmissionOperation: String, Sendable, Equatable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
}

/// What kube-apiserver asks about: one object write. A value built by the review decoder on
/// the thread that received the request; read by the policy. The objects stay `JSONView`s into
/// the request body: the policy reads the few fields it needs without a tree being built, and
/// unknown fields are never lost.
public struct AdmissionRequest: Sendable {
    public var uid: String
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    public var subResource: String?
    public var requestKind: GroupVersionKind?
    public var requestResource: GroupVersionResource?
    public var name: String?
    public var namespace: String?
    public var operation: AdmissionOperation
    /// `userInfo` as sent (username, uid, groups, extra); only logged by username.
    public var userInfo: JSONView?
    public var object: JSONView?
    public var oldObject: JSONView?
    public var dryRun: Bool
    public var options: JSONView?

    /// Objects given as `JSONValue`s are indexed into `JSONView`s (for tests and `check`).
    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil,
        requestKind: GroupVersionKind? = nil, requestResource: GroupVersionResource? = nil,
        name: String? = nil, namespace: String? = nil, operation: AdmissionOperation,
        userInfo: JSONValue? = nil, object: JSONValue? = nil, oldObject: JSONValue? = nil,
        dryRun: Bool = false, options: JSONValue? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.requestKind = requestKind
        self.requestResource = requestResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.userInfo = userInfo.map { JSONView($0) }
        self.object = object.map { JSONView($0) }
        self.oldObject = oldObject.map { JSONView($0) }
        self.dryRun = dryRun
        self.options = options.map { JSONView($0) }
    }

    /// The decoder's: every field as decoded, the objects as views into the request body.
    init(decodedUID uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String?,
         requestKind: GroupVersionKind?, requestResource: GroupVersionResource?, name: String?, namespace: String?,
         operation: AdmissionOperation, userInfo: JSONView?, object: JSONView?, oldObject: JSONView?, dryRun: Bool,
         options: JSONView?) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.requestKind = requestKind
        self.requestResource = requestResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.userInfo = userInfo
        self.object = object
        self.oldObject = oldObject
        self.dryRun = dryRun
        self.options = options
    }
}

/// A whole review as received: which API version it came in (the answer echoes it) and the
/// request.
public struct AdmissionReview: Sendable {
    /// `admission.k8s.io/v1` or `admission.k8s.io/v1beta1`.
    public var apiVersion: String
    public var request: AdmissionRequest

    public init(apiVersion: String, request: AdmissionRequest) {
        self.apiVersion = apiVersion
        self.request = request
    }
}

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

/// A group/version/name field of a request as the decoder leaves it: the value, or the checked
/// object it is read from on each use (`resource`, `requestKind` and `requestResource`, which
/// nothing on the request path reads: making their nine Strings, most of them shared with
/// `kind`'s, cost more than keeping where they are).
@usableFromInline
enum Deferred<Value: DecodedAgain>: Sendable {
    case value(Value)
    /// The tape index of a `{group, version, kind|resource}` object the decoder has checked,
    /// in the request's `document`.
    case unread(Int)

    @inlinable func value(in document: JSONDocument?) -> Value {
        switch self {
        case .value(let value): value
        case .unread(let object): Value(checked: object, in: document)
        }
    }
}

/// A value a `Deferred` can read from the object the decoder checked.
@usableFromInline
protocol DecodedAgain: Sendable {
    /// The value of the object at tape index `object` of `document`, a `{group, version,
    /// kind|resource}` object already checked by the review decoder (so this cannot fail;
    /// without a document, which the decoder always gives, the names are empty).
    init(checked object: Int, in document: JSONDocument?)
}

/// An object member of a request (`userInfo`, `object`, `oldObject`, `options`): absent or
/// null, a view, or as decoded the tape index of the object in the request's `document`.
/// Decoded requests keep one reference to the document for all of them, where a view each
/// counted a reference of its own (a retain when decoded, a release when the request goes).
@usableFromInline
enum ObjectField: Sendable {
    case none
    case view(JSONView)
    case at(Int)

    @inlinable init(_ value: JSONValue?) {
        self = value.map { .view(JSONView($0)) } ?? .none
    }

    @inlinable func view(in document: JSONDocument?) -> JSONView? {
        switch self {
        case .none: nil
        case .view(let view): view
        case .at(let index): document.map { JSONView(document: $0, index: index) }
        }
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
///
/// The fields live in one immutable `Storage` object, so a copy of a request (into each
/// `RuleContext`, the `AdmissionResult`, …) is one retain. Stored inline, the 14 Strings and 4
/// views made a copy 14 bridgeObject retains and 4 retains, and its destruction as many
/// releases (callgrind, 3.6 KB review: 3 copies and 2 destructions per review). Setting a
/// property makes a new `Storage` (an allocation): setters are for tests, `check` and `replay`,
/// never the request path, and a request that is shared is never changed in place.
public struct AdmissionRequest: Sendable {
    /// The fields, as a plain struct: what a `Storage` holds and a setter edits.
    @usableFromInline
    struct Fields: Sendable {
        @usableFromInline var uid: String
        @usableFromInline var kind: GroupVersionKind
        @usableFromInline var resource: Deferred<GroupVersionResource>
        @usableFromInline var subResource: String?
        @usableFromInline var requestKind: Deferred<GroupVersionKind>?
        @usableFromInline var requestResource: Deferred<GroupVersionResource>?
        @usableFromInline var name: String?
        @usableFromInline var namespace: String?
        @usableFromInline var operation: AdmissionOperation
        @usableFromInline var userInfo: ObjectField
        @usableFromInline var object: ObjectField
        @usableFromInline var oldObject: ObjectField
        @usableFromInline var dryRun: Bool
        @usableFromInline var options: ObjectField
        /// The decoded review's document, which the `.at` objects and `.unread` fields are in
        /// (one reference for all of them); nil for a request made from values.
        @usableFromInline var document: JSONDocument?
    }

    /// The box: immutable once made (so `Sendable` as checked by the compiler; no lock, no
    /// uniqueness test), shared by every copy of the request.
    @usableFromInline
    final class Storage: Sendable {
        @usableFromInline let fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    /// Changes one field: a new box with the others copied (the old one may be shared).
    @usableFromInline mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    @inlinable public var uid: String {
        get { storage.fields.uid }
        set { update { $0.uid = newValue } }
    }
    @inlinable public var kind: GroupVersionKind {
        get { storage.fields.kind }
        set { update { $0.kind = newValue } }
    }
    @inlinable public var resource: GroupVersionResource {
        get { storage.fields.resource.value(in: storage.fields.document) }
        set { update { $0.resource = .value(newValue) } }
    }
    @inlinable public var subResource: String? {
        get { storage.fields.subResource }
        set { update { $0.subResource = newValue } }
    }
    @inlinable public var requestKind: GroupVersionKind? {
        get { storage.fields.requestKind?.value(in: storage.fields.document) }
        set { update { $0.requestKind = newValue.map { .value($0) } } }
    }
    @inlinable public var requestResource: GroupVersionResource? {
        get { storage.fields.requestResource?.value(in: storage.fields.document) }
        set { update { $0.requestResource = newValue.map { .value($0) } } }
    }
    @inlinable public var name: String? {
        get { storage.fields.name }
        set { update { $0.name = newValue } }
    }
    @inlinable public var namespace: String? {
        get { storage.fields.namespace }
        set { update { $0.namespace = newValue } }
    }
    @inlinable public var operation: AdmissionOperation {
        get { storage.fields.operation }
        set { update { $0.operation = newValue } }
    }
    /// `userInfo` as sent (username, uid, groups, extra); only logged by username.
    @inlinable public var userInfo: JSONView? {
        get { storage.fields.userInfo.view(in: storage.fields.document) }
        set { update { $0.userInfo = newValue.map { .view($0) } ?? .none } }
    }
    @inlinable public var object: JSONView? {
        get { storage.fields.object.view(in: storage.fields.document) }
        set { update { $0.object = newValue.map { .view($0) } ?? .none } }
    }
    @inlinable public var oldObject: JSONView? {
        get { storage.fields.oldObject.view(in: storage.fields.document) }
        set { update { $0.oldObject = newValue.map { .view($0) } ?? .none } }
    }
    @inlinable public var dryRun: Bool {
        get { storage.fields.dryRun }
        set { update { $0.dryRun = newValue } }
    }
    @inlinable public var options: JSONView? {
        get { storage.fields.options.view(in: storage.fields.document) }
        set { update { $0.options = newValue.map { .view($0) } ?? .none } }
    }

    /// Objects given as `JSONValue`s are indexed into `JSONView`s (for tests and `check`).
    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil,
        requestKind: GroupVersionKind? = nil, requestResource: GroupVersionResource? = nil,
        name: String? = nil, namespace: String? = nil, operation: AdmissionOperation,
        userInfo: JSONValue? = nil, object: JSONValue? = nil, oldObject: JSONValue? = nil,
        dryRun: Bool = false, options: JSONValue? = nil
    ) {
        storage = Storage(Fields(
            uid: uid, kind: kind, resource: .value(resource), subResource: subResource, requestKind: requestKind.map { .value($0) },
            requestResource: requestResource.map { .value($0) }, name: name, namespace: namespace, operation: operation,
            userInfo: ObjectField(userInfo), object: ObjectField(object),
            oldObject: ObjectField(oldObject), dryRun: dryRun, options: ObjectField(options), document: nil))
    }

    /// The decoder's: every field as decoded, the objects as views into the request body.
    init(decoded fields: Fields) {
        storage = Storage(fields)
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

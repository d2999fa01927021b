// The envelope of a review read straight from the document's tape (AdmissionReviewDecoder's hot path).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `apiVersion`, `kind` and `request` of a review by tape index, for one `decode` call.
///
/// Why not `JSONView`s: each view holds the document, so each one made, stored in an Optional
/// or passed on costs a retain and a release; reading the envelope through views took 39
/// retains and 53 releases per review in `decodeRequest` and 7 + 10 per `groupVersionName`
/// call (callgrind, 3.6 KB review). Here the bytes and the tape are borrowed once for the
/// whole envelope, members are tape indexes, and views are made only for the four objects the
/// request keeps (and for error messages).
///
/// Strings are made once per distinct text: a group, version or kind/resource name whose raw
/// bytes equal those of one already made (`requestKind` repeats `kind`, `requestResource`
/// repeats `resource`, and `resource` has the group of `kind` in almost every review) shares
/// that String (a retain at most) instead of validating and, past 15 bytes, allocating a new
/// one. Equal raw bytes decode to equal text, escapes or not.
///
/// A transient value on the decoding thread; the buffers are valid only during the
/// `withUnsafeBufferPointer` calls of `AdmissionReviewDecoder.decode(_:)`. Every check, its
/// order and every error message are those of the view-based decoder it replaced.
struct EnvelopeReader {
    let document: JSONDocument
    let bytes: UnsafeBufferPointer<UInt8>
    let tape: UnsafeBufferPointer<JSONTapeEntry>

    /// A tape index that names no value (an absent member).
    static let absent = -1

    // MARK: The review

    func review(at root: Int) throws(AdmissionReviewError) -> AdmissionReview {
        guard kindOf(root) == .object else { throw .wrongType("", expected: "a JSON object", got: view(root)) }
        var apiVersionAt = Self.absent, kindAt = Self.absent, requestAt = Self.absent
        forEachMember(of: root) { key, value in
            switch key.count {
            case 4: if key.equals("kind") { kindAt = value }
            case 7: if key.equals("request") { requestAt = value }
            case 10: if key.equals("apiVersion") { apiVersionAt = value }
            default: break
            }
        }
        let version = try checkEnvelope(apiVersion: apiVersionAt, kind: kindAt)
        guard requestAt != Self.absent, kindOf(requestAt) != .null else { throw .missing("request") }
        guard kindOf(requestAt) == .object else { throw .wrongType("request", expected: "an object", got: view(requestAt)) }
        return AdmissionReview(apiVersion: version, request: try request(at: requestAt))
    }

    /// Checks `apiVersion` and `kind` and returns the version: one of the two literals, so
    /// no String is made for either (the bytes are compared; for these ASCII literals that is
    /// the same answer as String `==`, which no other text is canonically equivalent to).
    private func checkEnvelope(apiVersion: Int, kind kindAt: Int) throws(AdmissionReviewError) -> String {
        guard apiVersion != Self.absent, kindOf(apiVersion) != .null else { throw .missing("apiVersion") }
        guard kindOf(apiVersion) == .string else { throw .wrongType("apiVersion", expected: "a string", got: view(apiVersion)) }
        let version: String
        if textEquals(apiVersion, "admission.k8s.io/v1") {
            version = "admission.k8s.io/v1"
        } else if textEquals(apiVersion, "admission.k8s.io/v1beta1") {
            version = "admission.k8s.io/v1beta1"
        } else {
            throw .unsupported("apiVersion", string(apiVersion), expected: AdmissionReviewDecoder.apiVersionHint)
        }
        guard kindAt != Self.absent, kindOf(kindAt) != .null else { throw .missing("kind") }
        guard kindOf(kindAt) == .string else { throw .wrongType("kind", expected: "a string", got: view(kindAt)) }
        guard textEquals(kindAt, "AdmissionReview") else {
            throw .unsupported("kind", string(kindAt), expected: "AdmissionReview")
        }
        return version
    }

    // MARK: The request

    /// Reads the known members of `request` in one scan (unknown ones are never decoded: no
    /// strings are built for them); a repeated key counts with its last value.
    private func request(at fields: Int) throws(AdmissionReviewError) -> AdmissionRequest {
        var uidAt = Self.absent, kindAt = Self.absent, resourceAt = Self.absent, operationAt = Self.absent
        var subResourceAt = Self.absent, requestKindAt = Self.absent, requestResourceAt = Self.absent
        var nameAt = Self.absent, namespaceAt = Self.absent, userInfoAt = Self.absent, objectAt = Self.absent
        var oldObjectAt = Self.absent, dryRunAt = Self.absent, optionsAt = Self.absent
        forEachMember(of: fields) { key, value in
            switch key.count {
            case 3: if key.equals("uid") { uidAt = value }
            case 4:
                if key.equals("kind") { kindAt = value } else if key.equals("name") { nameAt = value }
            case 6:
                if key.equals("object") { objectAt = value } else if key.equals("dryRun") { dryRunAt = value }
            case 7: if key.equals("options") { optionsAt = value }
            case 8:
                if key.equals("resource") { resourceAt = value } else if key.equals("userInfo") { userInfoAt = value }
            case 9:
                if key.equals("operation") { operationAt = value }
                else if key.equals("namespace") { namespaceAt = value }
                else if key.equals("oldObject") { oldObjectAt = value }
            case 11:
                if key.equals("subResource") { subResourceAt = value } else if key.equals("requestKind") { requestKindAt = value }
            case 15: if key.equals("requestResource") { requestResourceAt = value }
            default: break
            }
        }
        // The checks in the order of the view-based decoder: the first problem is the one named.
        guard uidAt != Self.absent, let uid = try optionalString(uidAt, "request.uid") else { throw .missing("request.uid") }
        guard !uid.isEmpty else { throw .empty("request.uid") }
        guard kindAt != Self.absent,
              let (kindGroup, kindVersion, kindName, kindOrigins) = try groupVersionName(kindAt, third: "kind", "request.kind")
        else { throw .missing("request.kind") }
        let kind = GroupVersionKind(group: consume kindGroup, version: consume kindVersion, kind: consume kindName)
        guard resourceAt != Self.absent,
              let (resourceGroup, resourceVersion, resourceName, resourceOrigins) = try groupVersionName(
                  resourceAt, third: "resource", "request.resource", like: (kind.group, kind.version, kind.kind), at: kindOrigins)
        else { throw .missing("request.resource") }
        let resource = GroupVersionResource(group: consume resourceGroup, version: consume resourceVersion, resource: consume resourceName)
        guard operationAt != Self.absent, let operation = try operation(operationAt) else { throw .missing("request.operation") }
        let subResource = subResourceAt == Self.absent ? nil : try optionalString(subResourceAt, "request.subResource")
        var requestKind: GroupVersionKind?
        if requestKindAt != Self.absent,
           let (group, version, name, _) = try groupVersionName(requestKindAt, third: "kind", "request.requestKind",
                                                                like: (kind.group, kind.version, kind.kind), at: kindOrigins) {
            requestKind = GroupVersionKind(group: consume group, version: consume version, kind: consume name)
        }
        var requestResource: GroupVersionResource?
        if requestResourceAt != Self.absent,
           let (group, version, name, _) = try groupVersionName(requestResourceAt, third: "resource", "request.requestResource",
                                                                like: (resource.group, resource.version, resource.resource),
                                                                at: resourceOrigins) {
            requestResource = GroupVersionResource(group: consume group, version: consume version, resource: consume name)
        }
        let name = nameAt == Self.absent ? nil : try optionalString(nameAt, "request.name")
        let namespace = namespaceAt == Self.absent ? nil : try optionalString(namespaceAt, "request.namespace")
        let userInfo = userInfoAt == Self.absent ? nil : try optionalObject(userInfoAt, "request.userInfo")
        let object = objectAt == Self.absent || kindOf(objectAt) == .null ? nil : view(objectAt)
        let oldObject = oldObjectAt == Self.absent || kindOf(oldObjectAt) == .null ? nil : view(oldObjectAt)
        var dryRun = false
        if dryRunAt != Self.absent {
            let entry = tape[dryRunAt]
            if entry.kind == .bool {
                dryRun = entry.flag
            } else if entry.kind != .null {
                throw .wrongType("request.dryRun", expected: "a boolean", got: view(dryRunAt))
            }
        }
        let options = optionsAt == Self.absent ? nil : try optionalObject(optionsAt, "request.options")
        return AdmissionRequest(decoded: AdmissionRequest.Fields(
            uid: uid,
            kind: kind, resource: resource, subResource: subResource, requestKind: requestKind, requestResource: requestResource,
            name: name, namespace: namespace, operation: operation,
            userInfo: userInfo, object: object, oldObject: oldObject, dryRun: dryRun, options: options))
    }

    /// `request.operation`: nil for null. The bytes are compared with the four names (the same
    /// answer as `AdmissionOperation(rawValue:)` for these ASCII names); a String is made only
    /// for the error message.
    private func operation(_ value: Int) throws(AdmissionReviewError) -> AdmissionOperation? {
        switch kindOf(value) {
        case .null: return nil
        case .string: break
        default: throw .wrongType("request.operation", expected: "a string", got: view(value))
        }
        if textEquals(value, "CREATE") { return .create }
        if textEquals(value, "UPDATE") { return .update }
        if textEquals(value, "DELETE") { return .delete }
        if textEquals(value, "CONNECT") { return .connect }
        let text = string(value)
        throw .invalid("request.operation", "\(AdmissionReviewError.quoted(text)) is not one of CREATE, UPDATE, DELETE, CONNECT")
    }

    // MARK: Group, version and kind or resource

    /// Where the three strings of a decoded `{group, version, kind|resource}` object came from
    /// (tape indexes; `absent` for a group that is absent or null), so that a later object can
    /// share the Strings whose bytes are the same.
    struct Origins {
        var group = absent
        var version = absent
        var name = absent
    }

    /// The `group`, `version` and kind-or-resource members of the object at `value`, found in
    /// one scan (`third` is "kind" or "resource"), or nil for null. `group` may be absent,
    /// null or empty (the core group); the other two are required. A string whose raw bytes
    /// equal those of the `earlier` one at the same place (`origins`) is that String, shared.
    /// (The Strings come back as a tuple the caller consumes into its `GroupVersionKind`: a
    /// struct of them, stored and then copied, cost three retains and releases per call.)
    private func groupVersionName(_ value: Int, third: StaticString, _ field: String,
                                  like earlier: (group: String, version: String, name: String) = ("", "", ""),
                                  at origins: Origins = Origins())
        throws(AdmissionReviewError) -> (group: String, version: String, name: String, origins: Origins)? {
        switch kindOf(value) {
        case .null: return nil
        case .object: break
        default: throw .wrongType(field, expected: "an object", got: view(value))
        }
        var groupAt = Self.absent, versionAt = Self.absent, nameAt = Self.absent
        forEachMember(of: value) { key, member in
            if key.equals("group") { groupAt = member }
            else if key.equals("version") { versionAt = member }
            else if key.equals(third) { nameAt = member }
        }
        var group = ""
        if groupAt != Self.absent {
            switch kindOf(groupAt) {
            case .string:
                // A known group is looked up first (the reuse test first measured 280 instructions
                // per review more: the literal is then returned as such, not copied).
                group = knownName(groupAt) ?? string(groupAt, reusing: earlier.group, from: origins.group)
            case .null: groupAt = Self.absent
            default: throw .wrongType(field + ".group", expected: "a string", got: view(groupAt))
            }
        }
        try requireString(versionAt, "version", field)
        let version = string(versionAt, reusing: earlier.version, from: origins.version)
        try requireString(nameAt, "\(third)", field)
        let name = string(nameAt, reusing: earlier.name, from: origins.name)
        return (group, version, name, Origins(group: groupAt, version: versionAt, name: nameAt))
    }

    /// Checks that member `key` of the object named `parent` is at `value` and is a non-empty
    /// string (an escape decodes to at least one byte, so empty text is empty raw text).
    private func requireString(_ value: Int, _ key: @autoclosure () -> String,
                               _ parent: String) throws(AdmissionReviewError) {
        // The field name is built only for an error.
        guard value != Self.absent else { throw .missing(parent + "." + key()) }
        let entry = tape[value]
        switch entry.kind {
        case .string: guard entry.end > entry.start else { throw .empty(parent + "." + key()) }
        case .null: throw .missing(parent + "." + key())
        default: throw .wrongType(parent + "." + key(), expected: "a string", got: view(value))
        }
    }

    /// The string at `value` as a literal when it is one of the groups, kinds and resources of
    /// more than 15 UTF-8 bytes of the objects this webhook is registered for
    /// (charts/serverless-mesh-webhook/templates/webhook-*), written without escapes. Such a
    /// String made from the bytes is a heap object, allocated and freed per review; a literal
    /// is static and its copies count no references (callgrind, 3.6 KB review, whose group is
    /// `serving.knative.dev`: 69,145 -> 68,007 instructions per review). Shorter texts are
    /// small Strings (no allocation): literals for `v1`, `Service` and `services` as well saved
    /// about 120 more, not worth a table of every short name. Other texts are made as usual.
    private func knownName(_ value: Int) -> String? {
        let entry = tape[value]
        guard !entry.flag else { return nil }
        // By length first: a text is then compared with one or two literals, or none.
        switch entry.end &- entry.start {
        case 17: return textEquals(value, "networking.k8s.io") ? "networking.k8s.io" : nil
        case 19:
            if textEquals(value, "serving.knative.dev") { return "serving.knative.dev" }
            return textEquals(value, "networking.istio.io") ? "networking.istio.io" : nil
        case 20: return textEquals(value, "operator.knative.dev") ? "operator.knative.dev" : nil
        case 21: return textEquals(value, "ServiceMeshMemberRoll") ? "ServiceMeshMemberRoll" : nil
        case 22: return textEquals(value, "servicemeshmemberrolls") ? "servicemeshmemberrolls" : nil
        case 23: return textEquals(value, "ServiceMeshControlPlane") ? "ServiceMeshControlPlane" : nil
        case 24: return textEquals(value, "servicemeshcontrolplanes") ? "servicemeshcontrolplanes" : nil
        default: return nil
        }
    }

    // MARK: Typed reads

    /// A string, or nil for null; any other type is an error naming `field`.
    private func optionalString(_ value: Int, _ field: String) throws(AdmissionReviewError) -> String? {
        switch kindOf(value) {
        case .string: return string(value)
        case .null: return nil
        default: throw .wrongType(field, expected: "a string", got: view(value))
        }
    }

    /// An object kept as a view, or nil for null.
    private func optionalObject(_ value: Int, _ field: String) throws(AdmissionReviewError) -> JSONView? {
        switch kindOf(value) {
        case .object: return view(value)
        case .null: return nil
        default: throw .wrongType(field, expected: "an object", got: view(value))
        }
    }

    // MARK: Tape access

    @inline(__always)
    private func kindOf(_ value: Int) -> JSONTapeEntry.Kind { tape[value].kind }

    /// A view of the value at `value` (one retain of the document).
    private func view(_ value: Int) -> JSONView { JSONView(document: document, index: value) }

    /// The decoded text of the string at `value`.
    private func string(_ value: Int) -> String { JSONMaterializer(bytes: bytes, tape: tape).string(tape[value]) }

    /// The text of the string at `value`: `earlier` itself when the string at `earlierAt` has
    /// the same raw bytes, else a known name's literal (`knownName`), else a new String.
    private func string(_ value: Int, reusing earlier: String, from earlierAt: Int) -> String {
        if earlierAt != Self.absent && rawBytesEqual(value, earlierAt) { return earlier }
        let entry = tape[value]
        if entry.end &- entry.start > 15, let known = knownName(value) { return known }
        return string(value)
    }

    /// Whether two string entries have the same raw bytes (so the same decoded text).
    @inline(__always)
    private func rawBytesEqual(_ a: Int, _ b: Int) -> Bool {
        let x = tape[a], y = tape[b]
        let count = Int(x.end) &- Int(x.start)
        guard Int(y.end) &- Int(y.start) == count else { return false }
        guard count > 0, let base = bytes.baseAddress else { return true }
        return bytesEqual(base + Int(x.start), base + Int(y.start), count: count)
    }

    /// Whether the string at `value` decodes to exactly `literal`'s UTF-8.
    private func textEquals(_ value: Int, _ literal: StaticString) -> Bool {
        let entry = tape[value]
        if entry.flag {
            return JSONParser.decodedBytes(bytes, entry).withUnsafeBufferPointer { $0.equals(literal) }
        }
        return UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)]).equals(literal)
    }

    /// Calls `body` with each member's key (decoded UTF-8, valid only during the call) and the
    /// tape index of its value, in source order, repeated keys included (a reader keeping the
    /// last match per key gets `JSONView`'s answers). The value at `object` must be an object.
    @inline(__always)
    private func forEachMember(of object: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var k = object + 1
        for _ in 0..<Int(tape[object].end) {
            let key = tape[k]
            if key.flag {
                JSONParser.decodedBytes(bytes, key).withUnsafeBufferPointer { body($0, k + 1) }
            } else {
                body(UnsafeBufferPointer(rebasing: bytes[Int(key.start)..<Int(key.end)]), k + 1)
            }
            k = Int(tape[k + 1].next)
        }
    }
}

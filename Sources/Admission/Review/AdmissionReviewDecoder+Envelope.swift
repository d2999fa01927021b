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
/// whole envelope, members are tape indexes, and views are made only for the objects the
/// request keeps (and for error messages).
///
/// Every member is checked before any String is made, and Strings are made only for what the
/// request path reads (`uid`, `kind`, `subResource`, `name`, `namespace`): `resource`,
/// `requestKind` and `requestResource` are kept as views of their checked objects and read
/// again only if asked (`Deferred`).
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
        guard kindOf(root) == .object else { throw wrongType("", expected: "a JSON object", at: root) }
        var apiVersionAt = Self.absent, kindAt = Self.absent, requestAt = Self.absent
        scanMembers(of: root, Self.envelopeSlot) { slot, value in
            switch slot {
            case 0: kindAt = value
            case 1: requestAt = value
            case 2: apiVersionAt = value
            default: break
            }
        }
        let version = try checkEnvelope(apiVersion: apiVersionAt, kind: kindAt)
        guard requestAt != Self.absent, kindOf(requestAt) != .null else { throw .missing("request") }
        guard kindOf(requestAt) == .object else { throw wrongType("request", expected: "an object", at: requestAt) }
        return AdmissionReview(apiVersion: version, request: try request(at: requestAt))
    }

    /// 0 for `kind`, 1 for `request`, 2 for `apiVersion`, else -1 (by length, then compared).
    @inline(__always)
    private static func envelopeSlot(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        switch key.count {
        case 4: return key.sameBytes("kind") ? 0 : -1
        case 7: return key.sameBytes("request") ? 1 : -1
        case 10: return key.sameBytes("apiVersion") ? 2 : -1
        default: return -1
        }
    }

    /// Checks `apiVersion` and `kind` and returns the version: one of the two literals, so
    /// no String is made for either (the bytes are compared; for these ASCII literals that is
    /// the same answer as String `==`, which no other text is canonically equivalent to).
    private func checkEnvelope(apiVersion: Int, kind kindAt: Int) throws(AdmissionReviewError) -> String {
        guard apiVersion != Self.absent, kindOf(apiVersion) != .null else { throw .missing("apiVersion") }
        guard kindOf(apiVersion) == .string else { throw wrongType("apiVersion", expected: "a string", at: apiVersion) }
        let version: String
        if textEquals(apiVersion, "admission.k8s.io/v1") {
            version = "admission.k8s.io/v1"
        } else if textEquals(apiVersion, "admission.k8s.io/v1beta1") {
            version = "admission.k8s.io/v1beta1"
        } else {
            throw .unsupported("apiVersion", string(apiVersion), expected: AdmissionReviewDecoder.apiVersionHint)
        }
        guard kindAt != Self.absent, kindOf(kindAt) != .null else { throw .missing("kind") }
        guard kindOf(kindAt) == .string else { throw wrongType("kind", expected: "a string", at: kindAt) }
        guard textEquals(kindAt, "AdmissionReview") else {
            throw .unsupported("kind", string(kindAt), expected: "AdmissionReview")
        }
        return version
    }

    // MARK: The request

    /// The members of `request` the reader keeps: slots of `RequestMembers`.
    enum RequestMember: Int {
        case uid, kind, resource, operation, subResource, requestKind, requestResource
        case name, namespace, userInfo, object, oldObject, dryRun, options
    }

    /// The tape index of each known member of `request` (`absent` where there is none).
    struct RequestMembers {
        private var slots: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (absent, absent, absent, absent, absent, absent, absent, absent, absent, absent, absent, absent, absent, absent)

        subscript(member: RequestMember) -> Int {
            @inline(__always) get {
                withUnsafeBytes(of: slots) { $0.load(fromByteOffset: member.rawValue &* MemoryLayout<Int>.stride, as: Int.self) }
            }
        }

        /// Sets slot `slot` (a `RequestMember`'s raw value, or -1 for none: ignored).
        @inline(__always)
        mutating func set(_ slot: Int, _ value: Int) {
            guard slot >= 0 else { return }
            withUnsafeMutableBytes(of: &slots) { $0.storeBytes(of: value, toByteOffset: slot &* MemoryLayout<Int>.stride, as: Int.self) }
        }
    }

    /// The `RequestMember` slot named by `key`, or -1: the length and last byte pick the one
    /// name it can be (all differ), so a key is compared once, inline.
    @inline(__always)
    private static func requestSlot(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let member: RequestMember
        let last = key.isEmpty ? 0 : key[key.count &- 1]
        switch key.count {
        case 3: guard key.sameBytes("uid") else { return -1 }; member = .uid
        case 4:
            if last == UInt8(ascii: "d") {
                guard key.sameBytes("kind") else { return -1 }; member = .kind
            } else {
                guard key.sameBytes("name") else { return -1 }; member = .name
            }
        case 6:
            if last == UInt8(ascii: "t") {
                guard key.sameBytes("object") else { return -1 }; member = .object
            } else {
                guard key.sameBytes("dryRun") else { return -1 }; member = .dryRun
            }
        case 7: guard key.sameBytes("options") else { return -1 }; member = .options
        case 8:
            if last == UInt8(ascii: "e") {
                guard key.sameBytes("resource") else { return -1 }; member = .resource
            } else {
                guard key.sameBytes("userInfo") else { return -1 }; member = .userInfo
            }
        case 9:
            switch last {
            case UInt8(ascii: "n"): guard key.sameBytes("operation") else { return -1 }; member = .operation
            case UInt8(ascii: "e"): guard key.sameBytes("namespace") else { return -1 }; member = .namespace
            default: guard key.sameBytes("oldObject") else { return -1 }; member = .oldObject
            }
        case 11:
            if last == UInt8(ascii: "e") {
                guard key.sameBytes("subResource") else { return -1 }; member = .subResource
            } else {
                guard key.sameBytes("requestKind") else { return -1 }; member = .requestKind
            }
        case 15: guard key.sameBytes("requestResource") else { return -1 }; member = .requestResource
        default: return -1
        }
        return member.rawValue
    }

    /// Reads the known members of `request` in one scan (unknown ones are never decoded: no
    /// strings are built for them); a repeated key counts with its last value. Every check is
    /// made first (`check`), then the Strings are made: a throw has no Strings to release (with
    /// the two interleaved, the cleanups of the throws were most of this function's 11 KB).
    private func request(at fields: Int) throws(AdmissionReviewError) -> AdmissionRequest {
        var at = RequestMembers()
        scanMembers(of: fields, Self.requestSlot) { slot, value in at.set(slot, value) }
        let (operation, kindAt, hasRequestKind, hasRequestResource) = try check(at)
        let uid = string(at[.uid])
        let (kindGroup, kindVersion, kindName) = groupVersionName(kindAt)
        let kind = GroupVersionKind(group: consume kindGroup, version: consume kindVersion, kind: consume kindName)
        let dryRunAt = at[.dryRun]
        // `resource`, `requestKind` and `requestResource` stay where their checked objects are,
        // as do the objects: the request keeps one reference to the document for all of them.
        return AdmissionRequest(decoded: AdmissionRequest.Fields(
            uid: uid,
            kind: kind, resource: .unread(at[.resource]), subResource: optionalString(at[.subResource]),
            requestKind: hasRequestKind ? .unread(at[.requestKind]) : nil,
            requestResource: hasRequestResource ? .unread(at[.requestResource]) : nil,
            name: optionalString(at[.name]), namespace: optionalString(at[.namespace]), operation: operation,
            userInfo: optionalView(at[.userInfo]), object: optionalView(at[.object]), oldObject: optionalView(at[.oldObject]),
            dryRun: dryRunAt != Self.absent && tape[dryRunAt].kind == .bool && tape[dryRunAt].flag,
            options: optionalView(at[.options]), document: document))
    }

    /// Every check of the request's members, in the order of the view-based decoder (the first
    /// problem is the one named); no String is made. Returns the operation, where the members
    /// of `kind` are, and whether `requestKind` and `requestResource` are objects (not absent
    /// or null).
    private func check(_ at: RequestMembers) throws(AdmissionReviewError)
        -> (AdmissionOperation, kind: GroupVersionNameAt, requestKind: Bool, requestResource: Bool) {
        let uidAt = at[.uid]
        guard uidAt != Self.absent, try checkOptionalString(uidAt, "request.uid") else { throw .missing("request.uid") }
        guard tape[uidAt].end > tape[uidAt].start else { throw .empty("request.uid") }
        guard at[.kind] != Self.absent, let kind = try checkGroupVersionName(at[.kind], third: "kind", "request.kind")
        else { throw .missing("request.kind") }
        guard at[.resource] != Self.absent,
              try checkGroupVersionName(at[.resource], third: "resource", "request.resource") != nil
        else { throw .missing("request.resource") }
        guard at[.operation] != Self.absent, let operation = try operation(at[.operation]) else { throw .missing("request.operation") }
        if at[.subResource] != Self.absent { _ = try checkOptionalString(at[.subResource], "request.subResource") }
        // `requestKind` and `requestResource` are mostly `kind` and `resource` byte for byte:
        // then they pass the same check (`sameObjectText`).
        var hasRequestKind = false
        if at[.requestKind] != Self.absent {
            hasRequestKind = sameObjectText(at[.requestKind], at[.kind])
            if !hasRequestKind {
                hasRequestKind = try checkGroupVersionName(at[.requestKind], third: "kind", "request.requestKind") != nil
            }
        }
        var hasRequestResource = false
        if at[.requestResource] != Self.absent {
            hasRequestResource = sameObjectText(at[.requestResource], at[.resource])
            if !hasRequestResource {
                hasRequestResource = try checkGroupVersionName(at[.requestResource], third: "resource",
                                                               "request.requestResource") != nil
            }
        }
        if at[.name] != Self.absent { _ = try checkOptionalString(at[.name], "request.name") }
        if at[.namespace] != Self.absent { _ = try checkOptionalString(at[.namespace], "request.namespace") }
        if at[.userInfo] != Self.absent { try checkOptionalObject(at[.userInfo], "request.userInfo") }
        let dryRunAt = at[.dryRun]
        if dryRunAt != Self.absent, kindOf(dryRunAt) != .bool, kindOf(dryRunAt) != .null {
            throw wrongType("request.dryRun", expected: "a boolean", at: dryRunAt)
        }
        if at[.options] != Self.absent { try checkOptionalObject(at[.options], "request.options") }
        return (operation, kind, hasRequestKind, hasRequestResource)
    }

    /// `request.operation`: nil for null. The bytes are compared with the one name of the four
    /// their length and first byte leave (the same answer as `AdmissionOperation(rawValue:)`
    /// for these ASCII names); a String is made only for the error message.
    private func operation(_ value: Int) throws(AdmissionReviewError) -> AdmissionOperation? {
        let entry = tape[value]
        switch entry.kind {
        case .null: return nil
        case .string: break
        default: throw wrongType("request.operation", expected: "a string", at: value)
        }
        let found = entry.flag ? escapedKey(value, Self.operationIndex)
            : Self.operationIndex(UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)]))
        switch found {
        case 0: return .create
        case 1: return .update
        case 2: return .delete
        case 3: return .connect
        default: break
        }
        let text = string(value)
        throw .invalid("request.operation", "\(AdmissionReviewError.quoted(text)) is not one of CREATE, UPDATE, DELETE, CONNECT")
    }

    /// 0 for CREATE, 1 for UPDATE, 2 for DELETE, 3 for CONNECT, else -1.
    @inline(__always)
    private static func operationIndex(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        switch text.count {
        case 6:
            switch text[0] {
            case UInt8(ascii: "C"): return text.sameBytes("CREATE") ? 0 : -1
            case UInt8(ascii: "U"): return text.sameBytes("UPDATE") ? 1 : -1
            default: return text.sameBytes("DELETE") ? 2 : -1
            }
        case 7: return text.sameBytes("CONNECT") ? 3 : -1
        default: return -1
        }
    }

    // MARK: Group, version and kind or resource

    /// Whether the values at `a` and `b` are objects with the same raw text up to the last
    /// entry inside them, a string (after it come only whitespace and closing brackets): the
    /// same members with the same values, so whatever check `b` passed, `a` passes. Compared
    /// this way, an object that repeats another (`requestKind` its `kind`) is not checked again.
    private func sameObjectText(_ a: Int, _ b: Int) -> Bool {
        let x = tape[a], y = tape[b]
        guard x.kind == .object, y.kind == .object else { return false }
        let lastX = tape[Int(x.next) &- 1], lastY = tape[Int(y.next) &- 1]
        guard lastX.kind == .string, lastY.kind == .string else { return false }
        let count = Int(lastX.end) &- Int(x.start)
        guard Int(lastY.end) &- Int(y.start) == count, count > 0, let base = bytes.baseAddress else { return false }
        return bytesEqual(base + Int(x.start), base + Int(y.start), count: count)
    }

    /// Where the three strings of a checked `{group, version, kind|resource}` object are (tape
    /// indexes; `absent` for a group that is absent or null).
    struct GroupVersionNameAt {
        var group = absent
        var version = absent
        var name = absent
    }

    /// Checks the `group`, `version` and kind-or-resource members of the object at `value`,
    /// found in one scan (`third` is "kind" or "resource"), and returns where they are, or nil
    /// for null. `group` may be absent, null or empty (the core group); the other two are
    /// required non-empty strings.
    private func checkGroupVersionName(_ value: Int, third: StaticString, _ field: String)
        throws(AdmissionReviewError) -> GroupVersionNameAt? {
        switch kindOf(value) {
        case .null: return nil
        case .object: break
        default: throw wrongType(field, expected: "an object", at: value)
        }
        var at = GroupVersionNameAt()
        // By length: "group" (5), "version" (7), "kind" (4) or "resource" (8) differ.
        let isKind = third.utf8CodeUnitCount == 4
        scanMembers(of: value, { Self.groupVersionSlot($0, isKind: isKind) }) { slot, member in
            switch slot {
            case 0: at.group = member
            case 1: at.version = member
            case 2: at.name = member
            default: break
            }
        }
        if at.group != Self.absent {
            switch kindOf(at.group) {
            case .string: break
            case .null: at.group = Self.absent
            default: throw wrongType(field, ".group", expected: "a string", at: at.group)
            }
        }
        try requireString(at.version, "version", field)
        try requireString(at.name, third, field)
        return at
    }

    /// 0 for `group`, 1 for `version`, 2 for `kind` (`isKind`) or `resource`, else -1.
    @inline(__always)
    private static func groupVersionSlot(_ key: UnsafeBufferPointer<UInt8>, isKind: Bool) -> Int {
        switch key.count {
        case 5: return key.sameBytes("group") ? 0 : -1
        case 7: return key.sameBytes("version") ? 1 : -1
        case 4: return isKind && key.sameBytes("kind") ? 2 : -1
        case 8: return !isKind && key.sameBytes("resource") ? 2 : -1
        default: return -1
        }
    }

    /// The Strings of the checked object whose members are `at`. (They come back as a tuple
    /// the caller consumes into its `GroupVersionKind`: a struct of them, stored and then
    /// copied, cost three retains and releases per call.)
    @inline(__always)
    private func groupVersionName(_ at: GroupVersionNameAt) -> (group: String, version: String, name: String) {
        let group = at.group == Self.absent ? "" : name(at.group)
        return (group, name(at.version), name(at.name))
    }

    /// The group, version and name of the checked object at `object` in `document` (a
    /// `Deferred` read on use; no document, which cannot happen for a decoded request, reads as
    /// empty names).
    static func groupVersionName(checked object: Int, in document: JSONDocument?,
                                 third: StaticString) -> (group: String, version: String, name: String) {
        guard let document else { return ("", "", "") }
        return document.bytes.withUnsafeBufferPointer { bytes in
            document.tape.withUnsafeBufferPointer { tape in
                let reader = EnvelopeReader(document: document, bytes: bytes, tape: tape)
                // Checked when decoded, so neither a throw nor a nil happens here.
                guard let at = try? reader.checkGroupVersionName(object, third: third, "") else { return ("", "", "") }
                return reader.groupVersionName(at)
            }
        }
    }

    /// Checks that member `key` of the object named `parent` is at `value` and is a non-empty
    /// string (an escape decodes to at least one byte, so empty text is empty raw text).
    @inline(__always)
    private func requireString(_ value: Int, _ key: StaticString, _ parent: String) throws(AdmissionReviewError) {
        guard value != Self.absent, kindOf(value) == .string, tape[value].end > tape[value].start else {
            throw stringProblem(value, key, parent)
        }
    }

    /// Why `requireString` failed; the field name is built only here, out of line.
    @inline(never)
    private func stringProblem(_ value: Int, _ key: StaticString, _ parent: String) -> AdmissionReviewError {
        let field = parent + "." + key.description
        guard value != Self.absent else { return .missing(field) }
        switch kindOf(value) {
        case .string: return .empty(field)
        case .null: return .missing(field)
        default: return .wrongType(field, expected: "a string", got: view(value))
        }
    }

    /// The string at `value` as a literal when it is one of the groups, versions, kinds and
    /// long resources of the objects this webhook is registered for
    /// (charts/serverless-mesh-webhook/templates/webhook-*), written without escapes. A String
    /// made from the bytes is validated and built (~150 instructions per short name through
    /// `_fromUTF8Repairing`, an allocation past 15 bytes, and a release later); a literal is
    /// static and its copies count no references (callgrind, 3.6 KB review, whose group is
    /// `serving.knative.dev`: 69,145 -> 68,007 instructions per review for the long names).
    /// Other texts are made as usual.
    private func knownName(_ value: Int) -> String? {
        let entry = tape[value]
        guard !entry.flag else { return nil }
        let text = UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        // By length first: a text is then compared with one literal, or none.
        switch text.count {
        case 2:
            if text.sameBytes("v1") { return "v1" }
            return text.sameBytes("v2") ? "v2" : nil
        case 6: return text.sameBytes("Secret") ? "Secret" : nil
        case 7:
            switch text[0] {
            case UInt8(ascii: "S"): return text.sameBytes("Service") ? "Service" : nil
            case UInt8(ascii: "G"): return text.sameBytes("Gateway") ? "Gateway" : nil
            default: return text.sameBytes("v1beta1") ? "v1beta1" : nil
            }
        case 8: return text.sameBytes("v1alpha3") ? "v1alpha3" : nil
        case 9: return text.sameBytes("Namespace") ? "Namespace" : nil
        case 10: return text.sameBytes("maistra.io") ? "maistra.io" : nil
        case 13: return text.sameBytes("NetworkPolicy") ? "NetworkPolicy" : nil
        case 14: return text.sameBytes("KnativeServing") ? "KnativeServing" : nil
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

    /// Whether the member at `value` is a string (false for null); any other type is an error
    /// naming `field`.
    private func checkOptionalString(_ value: Int, _ field: String) throws(AdmissionReviewError) -> Bool {
        switch kindOf(value) {
        case .string: return true
        case .null: return false
        default: throw wrongType(field, expected: "a string", at: value)
        }
    }

    /// Checks that the member at `value` is an object or null.
    private func checkOptionalObject(_ value: Int, _ field: String) throws(AdmissionReviewError) {
        switch kindOf(value) {
        case .object, .null: return
        default: throw wrongType(field, expected: "an object", at: value)
        }
    }

    /// The checked string member at `value`, or nil when it is absent or null.
    private func optionalString(_ value: Int) -> String? {
        value == Self.absent || kindOf(value) == .null ? nil : string(value)
    }

    /// The checked object member at `value`, or none when it is absent or null.
    private func optionalView(_ value: Int) -> ObjectField {
        value == Self.absent || kindOf(value) == .null ? .none : .at(value)
    }

    // MARK: Tape access

    @inline(__always)
    private func kindOf(_ value: Int) -> JSONTapeEntry.Kind { tape[value].kind }

    /// The error for the value at `value` (named `field` + `suffix`) not being `expected`:
    /// built out of line, the throws stay small.
    @inline(never)
    private func wrongType(_ field: String, _ suffix: StaticString = "", expected: StaticString, at value: Int) -> AdmissionReviewError {
        .wrongType(suffix.utf8CodeUnitCount == 0 ? field : field + suffix.description, expected: expected.description, got: view(value))
    }

    /// A view of the value at `value` (one retain of the document).
    private func view(_ value: Int) -> JSONView { JSONView(document: document, index: value) }

    /// The decoded text of the string at `value`. Out of line: one copy of `String(decoding:)`
    /// for the envelope's texts. A short text without escapes (a small String, up to 15 UTF-8
    /// bytes: `name`, `namespace`) is copied in by `String(unsafeUninitializedCapacity:)`,
    /// which for ASCII tests the copied words at once where `String(decoding:)` validated
    /// and copied byte by byte; the text is the same (both repair invalid UTF-8).
    @inline(never)
    private func string(_ value: Int) -> String {
        let entry = tape[value]
        let count = Int(entry.end) &- Int(entry.start)
        if !entry.flag, count <= 15, let base = bytes.baseAddress {
            let source = base + Int(entry.start)
            return String(unsafeUninitializedCapacity: count) { buffer in
                guard let target = buffer.baseAddress else { return 0 }
                target.update(from: source, count: count)
                return count
            }
        }
        return JSONMaterializer(bytes: bytes, tape: tape).string(entry)
    }

    /// A group, version or kind/resource name: a known name's literal (`knownName`), else a
    /// new String.
    private func name(_ value: Int) -> String {
        knownName(value) ?? string(value)
    }

    /// Whether the string at `value` decodes to exactly `literal`'s UTF-8.
    private func textEquals(_ value: Int, _ literal: StaticString) -> Bool {
        let entry = tape[value]
        if entry.flag { return escapedTextEquals(entry, literal) }
        let text = UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        return literal.utf8CodeUnitCount <= 24 ? text.sameBytes(literal) : text.equals(literal)
    }

    /// `textEquals` for a string with escapes (rare), decoded out of line.
    @inline(never)
    private func escapedTextEquals(_ entry: JSONTapeEntry, _ literal: StaticString) -> Bool {
        JSONParser.decodedBytes(bytes, entry).withUnsafeBufferPointer { $0.equals(literal) }
    }

    /// What `classify` says of the escaped string (or key) at `key`, decoded (out of line: escaped keys are
    /// rare, and the member scans stay small).
    @inline(never)
    private func escapedKey(_ key: Int, _ classify: (UnsafeBufferPointer<UInt8>) -> Int) -> Int {
        JSONParser.decodedBytes(bytes, tape[key]).withUnsafeBufferPointer { classify($0) }
    }

    /// Calls `found` with the slot `classify` gives each member's key (decoded UTF-8, valid
    /// only during the call; escaped keys are decoded out of line) and the tape index of its
    /// value, in source order, repeated keys included (a reader keeping the last match per slot
    /// gets `JSONView`'s answers). The value at `object` must be an object.
    @inline(__always)
    private func scanMembers(of object: Int, _ classify: (UnsafeBufferPointer<UInt8>) -> Int, _ found: (Int, Int) -> Void) {
        var k = object &+ 1
        for _ in 0..<Int(tape[object].end) {
            let key = tape[k]
            let slot = key.flag ? escapedKey(k, classify) : classify(UnsafeBufferPointer(rebasing: bytes[Int(key.start)..<Int(key.end)]))
            found(slot, k &+ 1)
            k = Int(tape[k &+ 1].next)
        }
    }
}

extension GroupVersionKind: DecodedAgain {
    @usableFromInline init(checked object: Int, in document: JSONDocument?) {
        let (group, version, kind) = EnvelopeReader.groupVersionName(checked: object, in: document, third: "kind")
        self.init(group: group, version: version, kind: kind)
    }
}

extension GroupVersionResource: DecodedAgain {
    @usableFromInline init(checked object: Int, in document: JSONDocument?) {
        let (group, version, resource) = EnvelopeReader.groupVersionName(checked: object, in: document, third: "resource")
        self.init(group: group, version: version, resource: resource)
    }
}

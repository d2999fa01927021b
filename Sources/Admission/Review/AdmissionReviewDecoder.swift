// Decodes an AdmissionReview request body (admission.k8s.io/v1 and v1beta1) into `AdmissionReview`.

/// Turns the bytes kube-apiserver POSTs into an `AdmissionReview`: one parse with
/// `JSONParser`, then one pass over the envelope's members.
///
/// Stateless; called on the event-loop thread that received the body (the hot path), and by
/// `replay`. It checks the envelope only: `apiVersion`, `kind`, and the `request` fields
/// (`uid`, `kind`, `resource`, `operation` required; the rest optional but typed). It
/// deliberately does not interpret `object`/`oldObject` (a string there is the policy's
/// concern: denied on /validate, a warning on /mutate), ignores unknown members (newer API
/// servers may add some), and never traps: every problem is an `AdmissionReviewError`.
public enum AdmissionReviewDecoder {
    /// The API versions accepted, in the order the error message names them.
    public static let supportedAPIVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    static let apiVersionHint = "admission.k8s.io/v1 or v1beta1"

    /// Parses and decodes a request body.
    public static func decode(_ bytes: [UInt8]) throws(AdmissionReviewError) -> AdmissionReview {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON(error)
        }
        return try decode(json: json)
    }

    /// Parses and decodes a request body held in a buffer (no copy into an array).
    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(AdmissionReviewError) -> AdmissionReview {
        let json: JSONValue
        do {
            json = try JSONParser.parse(buffer)
        } catch {
            throw .notJSON(error)
        }
        return try decode(json: json)
    }

    /// Decodes an already parsed review (replay reads files it also prints).
    public static func decode(json: JSONValue) throws(AdmissionReviewError) -> AdmissionReview {
        guard case .object(let envelope) = json else { throw .wrongType("", expected: "a JSON object", got: json) }
        var apiVersion: JSONValue?
        var kind: JSONValue?
        var request: JSONValue?
        for member in envelope.members {
            switch member.key {
            case "apiVersion": apiVersion = member.value
            case "kind": kind = member.value
            case "request": request = member.value
            default: continue
            }
        }
        let version = try checkEnvelope(apiVersion: apiVersion, kind: kind)
        guard let request, !request.isNull else { throw .missing("request") }
        guard case .object(let fields) = request else { throw .wrongType("request", expected: "an object", got: request) }
        return AdmissionReview(apiVersion: version, request: try decodeRequest(fields))
    }

    /// Checks `apiVersion` and `kind` of a review (request or response) and returns the version.
    static func checkEnvelope(apiVersion: JSONValue?, kind: JSONValue?) throws(AdmissionReviewError) -> String {
        guard let apiVersion, !apiVersion.isNull else { throw .missing("apiVersion") }
        guard case .string(let version) = apiVersion else { throw .wrongType("apiVersion", expected: "a string", got: apiVersion) }
        guard version == "admission.k8s.io/v1" || version == "admission.k8s.io/v1beta1" else {
            throw .unsupported("apiVersion", version, expected: apiVersionHint)
        }
        guard let kind, !kind.isNull else { throw .missing("kind") }
        guard case .string(let kindName) = kind else { throw .wrongType("kind", expected: "a string", got: kind) }
        guard kindName == "AdmissionReview" else { throw .unsupported("kind", kindName, expected: "AdmissionReview") }
        return version
    }

    private static func decodeRequest(_ fields: JSONObject) throws(AdmissionReviewError) -> AdmissionRequest {
        var uid: String?
        var kind: GroupVersionKind?
        var resource: GroupVersionResource?
        var operation: AdmissionOperation?
        var request = AdmissionRequest(
            uid: "", kind: GroupVersionKind(group: "", version: "", kind: ""),
            resource: GroupVersionResource(group: "", version: "", resource: ""), operation: .create)
        for member in fields.members {
            let value = member.value
            switch member.key {
            case "uid":
                uid = try optionalString(value, "request.uid")
            case "kind":
                kind = try groupVersionKind(value, "request.kind")
            case "resource":
                resource = try groupVersionResource(value, "request.resource")
            case "operation":
                operation = try decodeOperation(value)
            case "subResource": request.subResource = try optionalString(value, "request.subResource")
            case "requestKind": request.requestKind = try groupVersionKind(value, "request.requestKind")
            case "requestResource": request.requestResource = try groupVersionResource(value, "request.requestResource")
            case "requestSubResource": continue
            case "name": request.name = try optionalString(value, "request.name")
            case "namespace": request.namespace = try optionalString(value, "request.namespace")
            case "userInfo": request.userInfo = try optionalObject(value, "request.userInfo")
            // Not `value.isNull ? nil : value`: JSONValue is ExpressibleByNilLiteral, so that
            // `nil` would be `.null`, not an absent object.
            case "object": request.object = value.isNull ? JSONValue?.none : value
            case "oldObject": request.oldObject = value.isNull ? JSONValue?.none : value
            case "dryRun":
                switch value {
                case .null: request.dryRun = false
                case .bool(let flag): request.dryRun = flag
                default: throw .wrongType("request.dryRun", expected: "a boolean", got: value)
                }
            case "options": request.options = try optionalObject(value, "request.options")
            default: continue
            }
        }
        guard let uid else { throw .missing("request.uid") }
        guard !uid.isEmpty else { throw .empty("request.uid") }
        guard let kind else { throw .missing("request.kind") }
        guard let resource else { throw .missing("request.resource") }
        guard let operation else { throw .missing("request.operation") }
        request.uid = uid
        request.kind = kind
        request.resource = resource
        request.operation = operation
        return request
    }

    private static func decodeOperation(_ value: JSONValue) throws(AdmissionReviewError) -> AdmissionOperation? {
        guard let text = try optionalString(value, "request.operation") else { return nil }
        guard let operation = AdmissionOperation(rawValue: text) else {
            throw .invalid("request.operation", "\(AdmissionReviewError.quoted(text)) is not one of CREATE, UPDATE, DELETE, CONNECT")
        }
        return operation
    }

    // MARK: - Typed reads

    /// A string, or nil for null; any other type is an error naming `field`.
    static func optionalString(_ value: JSONValue, _ field: String) throws(AdmissionReviewError) -> String? {
        switch value {
        case .string(let s): return s
        case .null: return nil
        default: throw .wrongType(field, expected: "a string", got: value)
        }
    }

    /// An object kept as JSON, or nil for null.
    private static func optionalObject(_ value: JSONValue, _ field: String) throws(AdmissionReviewError) -> JSONValue? {
        switch value {
        case .object: return value
        case .null: return nil
        default: throw .wrongType(field, expected: "an object", got: value)
        }
    }

    /// A required non-empty string member of `object`.
    private static func requiredString(_ object: JSONObject, _ key: String, _ parent: String) throws(AdmissionReviewError) -> String {
        let field = parent + "." + key
        guard let value = object[key], let text = try optionalString(value, field) else { throw .missing(field) }
        guard !text.isEmpty else { throw .empty(field) }
        return text
    }

    /// `group` may be absent or empty (the core group); the other two are required.
    private static func group(_ object: JSONObject, _ parent: String) throws(AdmissionReviewError) -> String {
        guard let value = object["group"] else { return "" }
        return try optionalString(value, parent + ".group") ?? ""
    }

    private static func groupVersionKind(_ value: JSONValue, _ field: String) throws(AdmissionReviewError) -> GroupVersionKind? {
        if value.isNull { return nil }
        guard case .object(let object) = value else { throw .wrongType(field, expected: "an object", got: value) }
        return GroupVersionKind(group: try group(object, field), version: try requiredString(object, "version", field),
                                kind: try requiredString(object, "kind", field))
    }

    private static func groupVersionResource(_ value: JSONValue, _ field: String) throws(AdmissionReviewError) -> GroupVersionResource? {
        if value.isNull { return nil }
        guard case .object(let object) = value else { throw .wrongType(field, expected: "an object", got: value) }
        return GroupVersionResource(group: try group(object, field), version: try requiredString(object, "version", field),
                                    resource: try requiredString(object, "resource", field))
    }
}

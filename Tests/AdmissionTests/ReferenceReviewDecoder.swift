// The request decoder as it was before the tape-level envelope reader: the reference the new code is compared with.
@testable import Admission

// Copied from AdmissionReviewDecoder.swift at 3a6fdae (decode(_: JSONView) and the helpers it
// calls), renamed and otherwise unchanged, so the differential tests compare today's values
// and error messages with the ones it gave.

/// The previous view-based decoder. Stateless; any thread.
enum ReferenceReviewDecoder {
    /// Decodes the review at `root`.
    static func decode(_ root: JSONView) throws(AdmissionReviewError) -> AdmissionReview {
        guard root.isObject else { throw .wrongType("", expected: "a JSON object", got: root) }
        let version = try checkEnvelope(apiVersion: root["apiVersion"], kind: root["kind"])
        guard let request = root["request"], !request.isNull else { throw .missing("request") }
        guard request.isObject else { throw .wrongType("request", expected: "an object", got: request) }
        return AdmissionReview(apiVersion: version, request: try decodeRequest(request))
    }

    /// Checks `apiVersion` and `kind` of a review (request or response) and returns the version.
    private static func checkEnvelope(apiVersion: JSONView?, kind: JSONView?) throws(AdmissionReviewError) -> String {
        guard let apiVersion, !apiVersion.isNull else { throw .missing("apiVersion") }
        guard let version = apiVersion.stringValue else { throw .wrongType("apiVersion", expected: "a string", got: apiVersion) }
        guard version == "admission.k8s.io/v1" || version == "admission.k8s.io/v1beta1" else {
            throw .unsupported("apiVersion", version, expected: AdmissionReviewDecoder.apiVersionHint)
        }
        guard let kind, !kind.isNull else { throw .missing("kind") }
        guard let kindName = kind.stringValue else { throw .wrongType("kind", expected: "a string", got: kind) }
        guard kindName == "AdmissionReview" else { throw .unsupported("kind", kindName, expected: "AdmissionReview") }
        return version
    }

    /// Reads the known members by key (unknown ones are never decoded: no strings are built
    /// for them); a repeated key counts with its last value, as everywhere in this decoder.
    private static func decodeRequest(_ fields: JSONView) throws(AdmissionReviewError) -> AdmissionRequest {
        // One scan of `request` picks up every member read below (the last of a repeated key).
        var uidValue, kindValue, resourceValue, operationValue, subResource, requestKind, requestResource: JSONView?
        var name, namespace, userInfo, object, oldObject, dryRun, options: JSONView?
        fields.forEachMember { key, value in
            switch key.count {
            case 3: if key.equals("uid") { uidValue = value }
            case 4:
                if key.equals("kind") { kindValue = value } else if key.equals("name") { name = value }
            case 6:
                if key.equals("object") { object = value } else if key.equals("dryRun") { dryRun = value }
            case 7: if key.equals("options") { options = value }
            case 8:
                if key.equals("resource") { resourceValue = value } else if key.equals("userInfo") { userInfo = value }
            case 9:
                if key.equals("operation") { operationValue = value }
                else if key.equals("namespace") { namespace = value }
                else if key.equals("oldObject") { oldObject = value }
            case 11:
                if key.equals("subResource") { subResource = value } else if key.equals("requestKind") { requestKind = value }
            case 15: if key.equals("requestResource") { requestResource = value }
            default: break
            }
        }
        guard let uidValue = uidValue, let uid = try optionalString(uidValue, "request.uid") else { throw .missing("request.uid") }
        guard !uid.isEmpty else { throw .empty("request.uid") }
        guard let kindValue = kindValue, let kind = try groupVersionKind(kindValue, "request.kind") else {
            throw .missing("request.kind")
        }
        guard let resourceValue = resourceValue, let resource = try groupVersionResource(resourceValue, "request.resource") else {
            throw .missing("request.resource")
        }
        guard let operationValue = operationValue, let operation = try decodeOperation(operationValue) else {
            throw .missing("request.operation")
        }
        var request = AdmissionRequest(uid: uid, kind: kind, resource: resource, operation: operation)
        if let value = subResource { request.subResource = try optionalString(value, "request.subResource") }
        if let value = requestKind { request.requestKind = try groupVersionKind(value, "request.requestKind") }
        if let value = requestResource { request.requestResource = try groupVersionResource(value, "request.requestResource") }
        if let value = name { request.name = try optionalString(value, "request.name") }
        if let value = namespace { request.namespace = try optionalString(value, "request.namespace") }
        if let value = userInfo { request.userInfo = try optionalObject(value, "request.userInfo") }
        if let value = object, !value.isNull { request.object = value }
        if let value = oldObject, !value.isNull { request.oldObject = value }
        if let value = dryRun {
            if let flag = value.boolValue {
                request.dryRun = flag
            } else if !value.isNull {
                throw .wrongType("request.dryRun", expected: "a boolean", got: value)
            }
        }
        if let value = options { request.options = try optionalObject(value, "request.options") }
        return request
    }

    private static func decodeOperation(_ value: JSONView) throws(AdmissionReviewError) -> AdmissionOperation? {
        guard let text = try optionalString(value, "request.operation") else { return nil }
        guard let operation = AdmissionOperation(rawValue: text) else {
            throw .invalid("request.operation", "\(AdmissionReviewError.quoted(text)) is not one of CREATE, UPDATE, DELETE, CONNECT")
        }
        return operation
    }

    // MARK: - Typed reads

    /// As above, for a view.
    private static func optionalString(_ value: JSONView, _ field: String) throws(AdmissionReviewError) -> String? {
        if let text = value.stringValue { return text }
        if value.isNull { return nil }
        throw .wrongType(field, expected: "a string", got: value)
    }

    /// An object kept as a view, or nil for null.
    private static func optionalObject(_ value: JSONView, _ field: String) throws(AdmissionReviewError) -> JSONView? {
        if value.isObject { return value }
        if value.isNull { return nil }
        throw .wrongType(field, expected: "an object", got: value)
    }

    /// A required non-empty string: `value` is member `key` of the object named `parent`.
    private static func requiredString(_ value: JSONView?, _ key: @autoclosure () -> String,
                                       _ parent: String) throws(AdmissionReviewError) -> String {
        // The field name is built only for an error (this runs eight times per review).
        guard let value else { throw .missing(parent + "." + key()) }
        if let text = value.stringValue {
            guard !text.isEmpty else { throw .empty(parent + "." + key()) }
            return text
        }
        if value.isNull { throw .missing(parent + "." + key()) }
        throw .wrongType(parent + "." + key(), expected: "a string", got: value)
    }

    /// The `group`, `version` and kind-or-resource members of `value` (an object), found in
    /// one scan (`third` is "kind" or "resource"). `group` may be absent or empty (the core
    /// group); the other two are required.
    private static func groupVersionName(_ value: JSONView, third: StaticString,
                                         _ field: String) throws(AdmissionReviewError) -> (String, String, String) {
        var groupValue, versionValue, thirdValue: JSONView?
        value.forEachMember { key, member in
            if key.equals("group") { groupValue = member }
            else if key.equals("version") { versionValue = member }
            else if key.equals(third) { thirdValue = member }
        }
        var group = ""
        if let groupValue {
            if let text = groupValue.stringValue {
                group = text
            } else {
                group = try optionalString(groupValue, field + ".group") ?? ""
            }
        }
        return (group, try requiredString(versionValue, "version", field), try requiredString(thirdValue, "\(third)", field))
    }

    private static func groupVersionKind(_ value: JSONView, _ field: String) throws(AdmissionReviewError) -> GroupVersionKind? {
        if value.isNull { return nil }
        guard value.isObject else { throw .wrongType(field, expected: "an object", got: value) }
        let (group, version, kind) = try groupVersionName(value, third: "kind", field)
        return GroupVersionKind(group: group, version: version, kind: kind)
    }

    private static func groupVersionResource(_ value: JSONView, _ field: String) throws(AdmissionReviewError) -> GroupVersionResource? {
        if value.isNull { return nil }
        guard value.isObject else { throw .wrongType(field, expected: "an object", got: value) }
        let (group, version, resource) = try groupVersionName(value, third: "resource", field)
        return GroupVersionResource(group: group, version: version, resource: resource)
    }
}

// Removes Secret contents from a review before it is written to disk (`--record-dir`).

/// Blanks the values a Secret review carries so that recordings can be kept and shared:
/// every value under `data` and `stringData` of `request.object` and `request.oldObject`
/// becomes `"<redacted>"` (the keys stay, so rules that read key names still replay), and so
/// does the `kubectl.kubernetes.io/last-applied-configuration` annotation (it holds the data).
///
/// Stateless; called by the recorder on the thread that answered the review, off the hot path
/// for every other kind. A review is treated as a Secret's when `request.kind`,
/// `request.requestKind` or the object itself (`apiVersion: v1`, `kind: Secret`) says so, so
/// a review that disagrees with itself is redacted rather than leaked. A `data`/`stringData`
/// that is not an object is replaced whole. It deliberately does not redact other kinds (a
/// ConfigMap is not secret) nor anything under `response` (our patches never copy data).
public enum AdmissionReviewRedactor {
    /// What every redacted value becomes.
    public static let placeholder = "<redacted>"

    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// The review with Secret contents replaced; any other review unchanged.
    public static func redactSecrets(_ review: JSONValue) -> JSONValue {
        guard case .object(var envelope) = review, case .object(var request)? = envelope["request"],
              isSecretReview(request) else { return review }
        for key in ["object", "oldObject"] {
            if let object = request[key], case .object = object {
                request[key] = redactSecretObject(object)
            }
        }
        envelope["request"] = .object(request)
        return .object(envelope)
    }

    /// A Secret object with its `data`, `stringData` values and last-applied annotation blanked.
    public static func redactSecretObject(_ object: JSONValue) -> JSONValue {
        guard case .object(var fields) = object else { return object }
        for key in ["data", "stringData"] {
            guard let value = fields[key], !value.isNull else { continue }
            if case .object(let entries) = value {
                var blanked = JSONObject(minimumCapacity: entries.count)
                for entry in entries.members { blanked.set(entry.key, to: .string(placeholder)) }
                fields[key] = .object(blanked)
            } else {
                fields[key] = .string(placeholder)
            }
        }
        if case .object(var metadata)? = fields["metadata"], case .object(var annotations)? = metadata["annotations"],
           annotations[lastAppliedAnnotation] != nil {
            annotations[lastAppliedAnnotation] = .string(placeholder)
            metadata["annotations"] = .object(annotations)
            fields["metadata"] = .object(metadata)
        }
        return .object(fields)
    }

    private static func isSecretReview(_ request: JSONObject) -> Bool {
        func isCoreSecret(_ gvk: JSONValue?) -> Bool {
            guard let gvk, gvk["kind"]?.stringValue == "Secret" else { return false }
            let group = gvk["group"]?.stringValue ?? ""
            return group.isEmpty || group == "core"
        }
        func isSecretObject(_ object: JSONValue?) -> Bool {
            guard let object, object["kind"]?.stringValue == "Secret" else { return false }
            let apiVersion = object["apiVersion"]?.stringValue ?? "v1"
            return apiVersion == "v1"
        }
        return isCoreSecret(request["kind"]) || isCoreSecret(request["requestKind"])
            || isSecretObject(request["object"]) || isSecretObject(request["oldObject"])
    }
}

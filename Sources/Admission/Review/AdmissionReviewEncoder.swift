// Encodes an `AdmissionResponse` as the AdmissionReview JSON kube-apiserver expects, and reads one back.

/// Writes the answer body: `{"apiVersion":…,"kind":"AdmissionReview","response":{…}}` in the
/// API version the request came in (admission.k8s.io/v1 or v1beta1, echoed as received).
///
/// Stateless; called on the event-loop thread that answers the request (the hot path), and by
/// `replay`. The bytes are built directly, in a fixed member order (uid, allowed, status,
/// patchType, patch, warnings), in one buffer reserved once; strings are escaped into it by
/// `JSONWriter`'s code, and the patch is written as JSON into a second buffer and base64-encoded
/// from there into the answer. `status` is written for denials (defaulting to 403 Forbidden) and
/// whenever the response carries one; `patch`/`patchType` only for a non-empty patch;
/// `warnings` only when there are some. It deliberately does not check the response (a
/// patch on a denial is written as given): the policy owns those decisions.
/// `decodeResponse` lives in `AdmissionReviewEncoder+Decoding.swift`.
public enum AdmissionReviewEncoder {
    /// Status written for a denial that carries none: metav1.Status 403 Forbidden.
    public static let defaultDenial = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: "denied by the admission webhook")

    /// The AdmissionReview body answering with `response` in `apiVersion`.
    public static func encode(_ response: AdmissionResponse, apiVersion: String) -> [UInt8] {
        // The patch's JSON is the one intermediate buffer: its base64 length must be known to
        // reserve the answer's capacity once, and the base64 text is then written straight
        // into the answer.
        var patchJSON: [UInt8] = []
        if let patch = response.patch, !patch.isEmpty {
            patchJSON = patch.encoded()
        }
        var out: [UInt8] = []
        out.reserveCapacity(160 + apiVersion.utf8.count + response.uid.utf8.count + Base64.encodedCount(patchJSON.count)
                            + (response.status.map { $0.message.utf8.count + $0.reason.utf8.count } ?? 0)
                            + response.warnings.reduce(0) { $0 + $1.utf8.count + 3 })
        out.append(literal: "{\"apiVersion\":")
        out.append(jsonString: apiVersion)
        out.append(literal: ",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":")
        out.append(jsonString: response.uid)
        if response.allowed { out.append(literal: ",\"allowed\":true") } else { out.append(literal: ",\"allowed\":false") }
        if let status = response.status ?? (response.allowed ? nil : defaultDenial) {
            out.append(literal: ",\"status\":{\"metadata\":{},\"status\":")
            if response.allowed { out.append(literal: "\"Success\"") } else { out.append(literal: "\"Failure\"") }
            out.append(literal: ",\"message\":")
            out.append(jsonString: status.message)
            out.append(literal: ",\"reason\":")
            out.append(jsonString: status.reason)
            out.append(literal: ",\"code\":")
            out.append(jsonInteger: status.code)
            out.append(UInt8(ascii: "}"))
        }
        if !patchJSON.isEmpty {
            out.append(literal: ",\"patchType\":\"JSONPatch\",\"patch\":\"")
            Base64.encode(patchJSON, appendingTo: &out)  // base64: nothing to escape
            out.append(UInt8(ascii: "\""))
        }
        if !response.warnings.isEmpty {
            out.append(literal: ",\"warnings\":[")
            for (n, warning) in response.warnings.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                out.append(jsonString: warning)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(literal: "}}")
        return out
    }
}

extension [UInt8] {
    /// Appends fixed JSON text as it stands (punctuation, member names).
    @inline(__always)
    mutating func append(literal text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends an integer in decimal.
    mutating func append(jsonInteger value: Int) {
        var text = String(value)
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends `s` as a quoted JSON string, escaped by `JSONWriter` (RFC 8259 §7 escaping lives
    /// only there) directly into this buffer: one pass that copies the runs needing no escape,
    /// which is all of the usual uid, reason and message, rather than a scan followed by a copy.
    mutating func append(jsonString s: String) {
        JSONWriter.appendQuoted(s, to: &self)
    }
}

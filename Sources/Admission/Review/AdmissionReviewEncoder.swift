// Encodes an `AdmissionResponse` as the AdmissionReview JSON kube-apiserver expects, and reads one back.

/// Writes the answer body: `{"apiVersion":…,"kind":"AdmissionReview","response":{…}}` in the
/// API version the request came in (admission.k8s.io/v1 or v1beta1, echoed as received).
///
/// Stateless; called on the event-loop thread that answers the request (the hot path), and by
/// `replay`. The bytes are built directly, in a fixed member order (uid, allowed, status,
/// patchType, patch, warnings), with one buffer; strings go through `JSONWriter`'s escaping
/// unless they need none. `status` is written for denials (defaulting to 403 Forbidden) and
/// whenever the response carries one; `patch`/`patchType` only for a non-empty patch;
/// `warnings` only when there are some. It deliberately does not check the response (a
/// patch on a denial is written as given): the policy owns those decisions.
/// `decodeResponse` lives in `AdmissionReviewEncoder+Decoding.swift`.
public enum AdmissionReviewEncoder {
    /// Status written for a denial that carries none: metav1.Status 403 Forbidden.
    public static let defaultDenial = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: "denied by the admission webhook")

    /// The AdmissionReview body answering with `response` in `apiVersion`.
    public static func encode(_ response: AdmissionResponse, apiVersion: String) -> [UInt8] {
        var patchText: [UInt8] = []
        if let patch = response.patch, !patch.isEmpty {
            patchText = Base64.encode(patch.encoded())
        }
        var out: [UInt8] = []
        out.reserveCapacity(160 + response.uid.utf8.count + patchText.count + (response.status?.message.utf8.count ?? 0)
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
        if !patchText.isEmpty {
            out.append(literal: ",\"patchType\":\"JSONPatch\",\"patch\":\"")
            out.append(contentsOf: patchText)  // base64: nothing to escape
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

    /// Appends `s` as a quoted JSON string: raw when no byte needs escaping (the usual uid,
    /// reason and message), else through `JSONWriter` (RFC 8259 §7 escaping lives only there).
    mutating func append(jsonString s: String) {
        var s = s
        let plain = s.withUTF8 { utf8 in
            !utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        if plain {
            append(UInt8(ascii: "\""))
            s.withUTF8 { append(contentsOf: $0) }
            append(UInt8(ascii: "\""))
        } else {
            var writer = JSONWriter(reservingCapacity: s.utf8.count + 8)
            writer.append(string: s)
            append(contentsOf: writer.bytes)
        }
    }
}

// Encodes an `AdmissionResponse` as the AdmissionReview JSON kube-apiserver expects, and reads one back.

/// Writes the answer body: `{"apiVersion":…,"kind":"AdmissionReview","response":{…}}` in the
/// API version the request came in (admission.k8s.io/v1 or v1beta1, echoed as received).
///
/// Stateless; called on the event-loop thread that answers the request (the hot path), and by
/// `replay`. The bytes are built directly, in a fixed member order (uid, allowed, status,
/// patchType, patch, warnings), in one array allocated at its exact length (see
/// `[UInt8](writing:context:)`); strings are escaped into it by `JSONWriter`'s code, and the patch is
/// written as JSON into a temporary buffer and base64-encoded from there into the answer.
/// `status` is written for denials (defaulting to 403 Forbidden) and whenever the response
/// carries one; `patch`/`patchType` only for a non-empty patch; `warnings` only when there are
/// some. It deliberately does not check the response (a
/// patch on a denial is written as given): the policy owns those decisions.
/// `decodeResponse` lives in `AdmissionReviewEncoder+Decoding.swift`.
public enum AdmissionReviewEncoder {
    /// Status written for a denial that carries none: metav1.Status 403 Forbidden.
    public static let defaultDenial = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: "denied by the admission webhook")

    /// The AdmissionReview body answering with `response` in `apiVersion`.
    ///
    /// Built in one array allocated once at its exact length (see `[UInt8](writing:)`): the
    /// patch JSON is written first, into a temporary buffer (see `JSONPatch.withEncoded`), and
    /// base64-encoded from there straight into the answer. Growing an array append by append,
    /// and a heap array for the patch JSON, cost more than this.
    public static func encode(_ response: borrowing AdmissionResponse, apiVersion: String) -> [UInt8] {
        guard let patch = response.patch, !patch.isEmpty else {
            return [UInt8](writing: response, context: (apiVersion, nil))
        }
        // The closure captures a pointer to `response`, not the value: capturing it would copy
        // it, a retain and a release per field.
        return withUnsafePointer(to: response) { response in
            patch.withEncoded { [UInt8](writing: response.pointee, context: (apiVersion, UnsafeRawBufferPointer($0))) }
        }
    }

    /// The answer up to the patch: envelope, uid, allowed and status, of the response behind
    /// `response` (read field by field: see `AdmissionResponse.write(_:to:context:)`).
    fileprivate static func writeHead<Sink: JSONByteSink>(_ response: UnsafePointer<AdmissionResponse>, apiVersion: String, to out: inout Sink) {
        // The two versions the decoder accepts are each one literal with the envelope around
        // them; any other is quoted and escaped as usual. Escaping the version cost more than
        // comparing it (encode 6,839 → 6,629 instructions per review).
        // The quotes around the uid are joined to the text on either side, one write instead
        // of two (encode 5,703 → 5,633 instructions per review).
        if apiVersion == "admission.k8s.io/v1" {
            out.write(literal: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":""#)
        } else if apiVersion == "admission.k8s.io/v1beta1" {
            out.write(literal: #"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":""#)
        } else {
            out.write(literal: "{\"apiVersion\":")
            JSONWriter.writeQuoted(apiVersion, to: &out)
            out.write(literal: ",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"")
        }
        withUTF8(response.pointee.uid) { JSONWriter.writeEscaped($0, pointerToken: false, to: &out) }
        if response.pointee.allowed { out.write(literal: "\",\"allowed\":true") } else { out.write(literal: "\",\"allowed\":false") }
        if let status = response.pointee.status ?? (response.pointee.allowed ? nil : defaultDenial) {
            out.write(literal: ",\"status\":{\"metadata\":{},\"status\":")
            if response.pointee.allowed { out.write(literal: "\"Success\"") } else { out.write(literal: "\"Failure\"") }
            out.write(literal: ",\"message\":")
            JSONWriter.writeQuoted(status.message, to: &out)
            out.write(literal: ",\"reason\":")
            JSONWriter.writeQuoted(status.reason, to: &out)
            out.write(literal: ",\"code\":")
            out.write(utf8: String(status.code))
            out.write(UInt8(ascii: "}"))
        }
    }

    /// The answer after the patch: warnings and the closing braces.
    fileprivate static func writeTail<Sink: JSONByteSink>(_ response: UnsafePointer<AdmissionResponse>, to out: inout Sink) {
        if !response.pointee.warnings.isEmpty {
            out.write(literal: ",\"warnings\":[")
            for (n, warning) in response.pointee.warnings.enumerated() {
                if n > 0 { out.write(UInt8(ascii: ",")) }
                JSONWriter.writeQuoted(warning, to: &out)
            }
            out.write(UInt8(ascii: "]"))
        }
        out.write(literal: "}}")
    }
}

extension AdmissionResponse: JSONByteWritable {
    /// The answer's API version, and the patch's JSON text when there is a patch (in memory
    /// valid while the answer is written).
    typealias Context = (apiVersion: String, patchJSON: UnsafeRawBufferPointer?)

    /// Writes the AdmissionReview answer carrying this response (see
    /// `AdmissionReviewEncoder.encode`).
    func write<Sink: JSONByteSink>(to out: inout Sink, context: Context) {
        withUnsafePointer(to: self) { AdmissionResponse.write($0, to: &out, context: context) }
    }

    /// `write(to:context:)` on the response behind `response`, which `[UInt8](writing:context:)`
    /// calls: it reads the fields it writes one by one, where reading the whole response out
    /// of its pointer copied it (a retain and a release of every field, which the compiler
    /// cannot leave out while the writes go through raw pointers): encode 6,536 → 6,358
    /// instructions per review. `response` comes from `withUnsafePointer(to:)` around the
    /// call, so it points at one valid response, unchanged while it is written.
    static func write<Sink: JSONByteSink>(_ response: UnsafePointer<AdmissionResponse>, to out: inout Sink, context: Context) {
        AdmissionReviewEncoder.writeHead(response, apiVersion: context.apiVersion, to: &out)
        if let patchJSON = context.patchJSON {
            out.write(literal: #","patchType":"JSONPatch","patch":""#)
            out.write(count: Base64.encodedCount(patchJSON.count)) { Base64.encode(patchJSON, into: $0) }
            out.write(UInt8(ascii: "\""))  // base64 needs no escaping
        }
        AdmissionReviewEncoder.writeTail(response, to: &out)
    }
}

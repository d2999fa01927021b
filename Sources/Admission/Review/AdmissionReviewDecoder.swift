// Decodes an AdmissionReview request body (admission.k8s.io/v1 and v1beta1) into `AdmissionReview`.

/// Turns the bytes kube-apiserver POSTs into an `AdmissionReview`: one validating pass that
/// indexes the bytes (`JSONDocument`), then one pass over the envelope's members; the objects
/// stay `JSONView`s into the body, never built as trees.
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

    /// Parses and decodes a request body. The bytes are indexed, not copied into a tree: the
    /// request's objects are `JSONView`s into them.
    public static func decode(_ bytes: [UInt8]) throws(AdmissionReviewError) -> AdmissionReview {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: bytes)
        } catch {
            throw .notJSON(error)
        }
        return try decode(document.root)
    }

    /// Parses and decodes a request body held in a buffer (copied once into the document).
    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(AdmissionReviewError) -> AdmissionReview {
        try decode(Array(buffer.assumingMemoryBound(to: UInt8.self)))
    }

    /// Decodes an already parsed review (replay reads files it also prints).
    public static func decode(json: JSONValue) throws(AdmissionReviewError) -> AdmissionReview {
        try decode(JSONView(json))
    }

    /// Decodes the review at `root`.
    public static func decode(_ root: JSONView) throws(AdmissionReviewError) -> AdmissionReview {
        let document = root.document
        return try document.bytes.withUnsafeBufferPointer { (bytes) throws(AdmissionReviewError) in
            try document.tape.withUnsafeBufferPointer { (tape) throws(AdmissionReviewError) in
                try EnvelopeReader(document: document, bytes: bytes, tape: tape).review(at: root.index)
            }
        }
    }

    /// Checks `apiVersion` and `kind` of a parsed review (a response; requests are checked by
    /// `EnvelopeReader`) and returns the version.
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

    // MARK: - Typed reads

    /// A string, or nil for null; any other type is an error naming `field`.
    static func optionalString(_ value: JSONValue, _ field: String) throws(AdmissionReviewError) -> String? {
        switch value {
        case .string(let s): return s
        case .null: return nil
        default: throw .wrongType(field, expected: "a string", got: value)
        }
    }
}

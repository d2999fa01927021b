// Why a body is not a usable AdmissionReview: one line naming what is wrong and where.

/// The error of `AdmissionReviewDecoder` and `AdmissionReviewEncoder.decodeResponse`:
/// `request.uid is missing`, `request.kind.kind must be a string`,
/// `not JSON: invalid JSON at byte 17: …`.
///
/// Created by the decoder on the thread that handles the request, answered by the server as
/// HTTP 400 with `{"error": description}`. A value; any thread. It deliberately quotes only
/// the envelope's own short strings (apiVersion, kind, operation, truncated), never the object,
/// so it is safe to log and to send back (no Secret data).
public struct AdmissionReviewError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted path of the offending field (`request.kind.kind`), empty for the document.
    public let field: String
    /// The whole one-line message.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }

    /// The HTTP status the server answers with: always 400 Bad Request.
    public var httpStatus: Int { 400 }

    // MARK: - The messages, in one place

    // Out of line: the decoders' error paths are cold, and each message built inline made the
    // hot functions that throw it larger (the envelope reader's `request(at:)` was 11 KB).

    @inline(never)
    static func notJSON(_ error: JSONParseError) -> AdmissionReviewError {
        AdmissionReviewError(field: "", message: "not JSON: \(error.description)")
    }

    @inline(never)
    static func missing(_ field: String) -> AdmissionReviewError {
        AdmissionReviewError(field: field, message: "\(field) is missing")
    }

    @inline(never)
    static func empty(_ field: String) -> AdmissionReviewError {
        AdmissionReviewError(field: field, message: "\(field) must not be empty")
    }

    @inline(never)
    static func wrongType(_ field: String, expected: String, got value: JSONValue) -> AdmissionReviewError {
        let subject = field.isEmpty ? "an AdmissionReview" : field
        return AdmissionReviewError(field: field, message: "\(subject) must be \(expected), got \(typeName(value))")
    }

    @inline(never)
    static func wrongType(_ field: String, expected: String, got value: JSONView) -> AdmissionReviewError {
        let subject = field.isEmpty ? "an AdmissionReview" : field
        return AdmissionReviewError(field: field, message: "\(subject) must be \(expected), got \(typeName(value.kind))")
    }

    @inline(never)
    static func unsupported(_ field: String, _ value: String, expected: String) -> AdmissionReviewError {
        AdmissionReviewError(field: field, message: "\(field) \(quoted(value)) is not supported (\(expected))")
    }

    @inline(never)
    static func invalid(_ field: String, _ problem: String) -> AdmissionReviewError {
        AdmissionReviewError(field: field, message: "\(field) \(problem)")
    }

    /// "a string", "an array", … for messages.
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: typeName(JSONView.Kind.null)
        case .bool: typeName(JSONView.Kind.bool)
        case .number: typeName(JSONView.Kind.number)
        case .string: typeName(JSONView.Kind.string)
        case .array: typeName(JSONView.Kind.array)
        case .object: typeName(JSONView.Kind.object)
        }
    }

    static func typeName(_ kind: JSONView.Kind) -> String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// A short quoted rendering of an envelope string: at most 64 characters, JSON-escaped so
    /// that the message stays on one line.
    static func quoted(_ value: String) -> String {
        let short = value.count > 64 ? String(value.prefix(64)) + "…" : value
        return JSONValue.string(short).jsonString
    }
}

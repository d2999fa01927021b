// Reads an AdmissionReview response back, checking it the way kube-apiserver does.

extension AdmissionReviewEncoder {
    /// Decodes a response body (a golden file, or a server's answer in `replay --target`) and
    /// checks what kube-apiserver checks: supported apiVersion, `kind: AdmissionReview`,
    /// `response.uid` a non-empty string, `allowed` a boolean, `patchType: JSONPatch` whenever a
    /// patch is present (and no patchType without a patch), the patch valid base64 of a JSON
    /// array of RFC 6902 operations, `warnings` an array of strings. The caller compares the
    /// apiVersion and uid with the request's. An empty patch (`[]`) decodes as nil, as the
    /// encoder never writes one.
    public static func decodeResponse(_ bytes: [UInt8]) throws(AdmissionReviewError) -> (apiVersion: String, response: AdmissionResponse) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON(error)
        }
        return try decodeResponse(json: json)
    }

    /// As `decodeResponse(_:)`, for an already parsed document.
    public static func decodeResponse(json: JSONValue) throws(AdmissionReviewError) -> (apiVersion: String, response: AdmissionResponse) {
        guard case .object(let envelope) = json else { throw .wrongType("", expected: "a JSON object", got: json) }
        let version = try AdmissionReviewDecoder.checkEnvelope(apiVersion: envelope["apiVersion"], kind: envelope["kind"])
        guard let responseValue = envelope["response"], !responseValue.isNull else { throw .missing("response") }
        guard case .object(let fields) = responseValue else { throw .wrongType("response", expected: "an object", got: responseValue) }

        guard let uidValue = fields["uid"], let uid = try AdmissionReviewDecoder.optionalString(uidValue, "response.uid") else {
            throw .missing("response.uid")
        }
        guard !uid.isEmpty else { throw .empty("response.uid") }
        guard let allowedValue = fields["allowed"], !allowedValue.isNull else { throw .missing("response.allowed") }
        guard case .bool(let allowed) = allowedValue else { throw .wrongType("response.allowed", expected: "a boolean", got: allowedValue) }

        var response = AdmissionResponse(uid: uid, allowed: allowed)
        if let statusValue = fields["status"], !statusValue.isNull {
            response.status = try decodeStatus(statusValue)
        }
        let patchType = try fields["patchType"].flatMap { v throws(AdmissionReviewError) in try AdmissionReviewDecoder.optionalString(v, "response.patchType") }
        let patchText = try fields["patch"].flatMap { v throws(AdmissionReviewError) in try AdmissionReviewDecoder.optionalString(v, "response.patch") }
        switch (patchType, patchText) {
        case (nil, nil):
            break
        case (nil, .some):
            throw .invalid("response.patch", "is set but response.patchType is missing")
        case (.some, nil):
            throw .invalid("response.patchType", "is set but response.patch is missing")
        case (.some(let type), .some(let text)):
            guard type == "JSONPatch" else { throw .unsupported("response.patchType", type, expected: "JSONPatch") }
            let patch = try decodePatch(text)
            response.patch = patch.isEmpty ? nil : patch
        }
        if let warningsValue = fields["warnings"], !warningsValue.isNull {
            guard case .array(let elements) = warningsValue else {
                throw .wrongType("response.warnings", expected: "an array of strings", got: warningsValue)
            }
            for (n, element) in elements.enumerated() {
                guard case .string(let warning) = element else {
                    throw .wrongType("response.warnings[\(n)]", expected: "a string", got: element)
                }
                response.warnings.append(warning)
            }
        }
        return (version, response)
    }

    private static func decodeStatus(_ value: JSONValue) throws(AdmissionReviewError) -> AdmissionResponse.Status {
        guard case .object(let status) = value else { throw .wrongType("response.status", expected: "an object", got: value) }
        var code = 0
        if let codeValue = status["code"], !codeValue.isNull {
            guard case .number(let number) = codeValue, let exact = number.int64Value, let small = Int(exactly: exact) else {
                throw .wrongType("response.status.code", expected: "an integer", got: codeValue)
            }
            code = small
        }
        let reason = try status["reason"].flatMap { v throws(AdmissionReviewError) in try AdmissionReviewDecoder.optionalString(v, "response.status.reason") } ?? ""
        let message = try status["message"].flatMap { v throws(AdmissionReviewError) in try AdmissionReviewDecoder.optionalString(v, "response.status.message") } ?? ""
        return AdmissionResponse.Status(code: code, reason: reason, message: message)
    }

    private static func decodePatch(_ text: String) throws(AdmissionReviewError) -> JSONPatch {
        guard let bytes = Base64.decode(text) else { throw .invalid("response.patch", "is not valid base64 (RFC 4648 §4, padded)") }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .invalid("response.patch", "does not decode to JSON: \(error.description)")
        }
        guard case .array = json else { throw .invalid("response.patch", "must decode to a JSON array, got \(AdmissionReviewError.typeName(json))") }
        do {
            return try JSONPatch(json: json)
        } catch {
            throw .invalid("response.patch", "is not an RFC 6902 patch: \(error.message)")
        }
    }
}

// AdmissionReviewEncoder: exact response bytes for each kind of answer, and decodeResponse's checks.
import Testing
@testable import Admission

/// Encoder and response-decoder tests. Owned by the test suite; any Swift Testing thread.
@Suite("AdmissionReviewEncoder")
struct AdmissionReviewEncoderTests {
    static let v1 = "admission.k8s.io/v1"

    static func text(_ response: AdmissionResponse, _ apiVersion: String = v1) -> String {
        String(decoding: AdmissionReviewEncoder.encode(response, apiVersion: apiVersion), as: UTF8.self)
    }

    static let addAnnotations = JSONPatch([
        .add(path: JSONPointer(tokens: ["metadata", "annotations"]), value: .object(JSONObject())),
        .add(path: JSONPointer(tokens: ["metadata", "annotations", "sidecar.istio.io/inject"]), value: "true"),
    ])

    @Test func allowed() {
        #expect(Self.text(AdmissionResponse(uid: "u-1", allowed: true))
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-1","allowed":true}}"#)
    }

    @Test func deniedWithStatus() {
        let status = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: "[SMCP-MTLS] spec.security.dataPlane.mtls is false")
        #expect(Self.text(AdmissionResponse(uid: "u-2", allowed: false, status: status))
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-2","allowed":false,"#
            + #""status":{"metadata":{},"status":"Failure","message":"[SMCP-MTLS] spec.security.dataPlane.mtls is false","reason":"Forbidden","code":403}}}"#)
    }

    @Test func deniedWithoutStatusGetsForbidden() {
        #expect(Self.text(AdmissionResponse(uid: "u", allowed: false))
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":false,"#
            + #""status":{"metadata":{},"status":"Failure","message":"denied by the admission webhook","reason":"Forbidden","code":403}}}"#)
    }

    @Test func allowedWithStatusSaysSuccess() {
        let status = AdmissionResponse.Status(code: 200, reason: "", message: "ok")
        #expect(Self.text(AdmissionResponse(uid: "u", allowed: true, status: status))
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"#
            + #""status":{"metadata":{},"status":"Success","message":"ok","reason":"","code":200}}}"#)
    }

    @Test func patchedCarriesBase64OfTheCompactPatch() throws {
        let text = Self.text(AdmissionResponse(uid: "u-3", allowed: true, patch: Self.addAnnotations))
        let patchJSON = #"[{"op":"add","path":"/metadata/annotations","value":{}},{"op":"add","path":"/metadata/annotations/sidecar.istio.io~1inject","value":"true"}]"#
        let base64 = Base64.encodeToString(Array(patchJSON.utf8))
        #expect(text == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-3","allowed":true,"#
            + #""patchType":"JSONPatch","patch":""# + base64 + #""}}"#)
        let parsed = try JSONParser.parse(text)
        let patchText = try #require(parsed["response", "patch"]?.stringValue)
        let decoded = try #require(Base64.decode(patchText))
        #expect(String(decoding: decoded, as: UTF8.self) == patchJSON)
        #expect(try JSONPatch(parsing: decoded) == Self.addAnnotations)
    }

    @Test func warningsAreEscapedAndInOrder() {
        let response = AdmissionResponse(uid: "u", allowed: true, warnings: ["[NS-COST-APP-LABEL] label \"app\" is set", "second"])
        #expect(Self.text(response)
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"#
            + #""warnings":["[NS-COST-APP-LABEL] label \"app\" is set","second"]}}"#)
    }

    @Test func everyPartTogetherInTheDocumentedOrder() {
        let status = AdmissionResponse.Status(code: 400, reason: "BadRequest", message: "m")
        let response = AdmissionResponse(uid: "u", allowed: false, status: status, patch: JSONPatch([.remove(path: JSONPointer(tokens: ["a"]))]), warnings: ["w"])
        let patch = Base64.encodeToString(Array(#"[{"op":"remove","path":"/a"}]"#.utf8))
        #expect(Self.text(response)
            == #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":false,"#
            + #""status":{"metadata":{},"status":"Failure","message":"m","reason":"BadRequest","code":400},"#
            + #""patchType":"JSONPatch","patch":""# + patch + #"","warnings":["w"]}}"#)
    }

    /// Every string of the answer is escaped in place by `JSONWriter`'s code: the bytes must be
    /// those `JSONWriter.append(string:)` gives, for plain text, every kind of escape, non-ASCII,
    /// and strings long enough for the eight-bytes-at-a-time scan (escape before, inside and
    /// after the first word).
    @Test func everyStringIsEscapedLikeJSONWriterDoes() throws {
        func quoted(_ s: String) -> String {
            var writer = JSONWriter()
            writer.append(string: s)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        let strings = ["", "plain", "q\"", "\\", "\u{0}\u{1}\u{1F}\u{7F}", "\u{8}\u{9}\u{A}\u{C}\u{D}", "é 日本 😀 </script>",
                       "\"01234567 89abcdef", "0123\"4567", "01234567\n", "0123456789abcdef0123456789abcdef\\tail",
                       "[NS-COST-APP-LABEL] a long, plain warning with nothing at all to escape in it"]
        for s in strings {
            let status = AdmissionResponse.Status(code: 422, reason: s, message: s)
            let response = AdmissionResponse(uid: s, allowed: false, status: status, warnings: [s, s])
            let expected = #"{"apiVersion":"# + quoted(s) + #","kind":"AdmissionReview","response":{"uid":"# + quoted(s)
                + #","allowed":false,"status":{"metadata":{},"status":"Failure","message":"# + quoted(s)
                + #","reason":"# + quoted(s) + #","code":422},"warnings":["# + quoted(s) + "," + quoted(s) + "]}}"
            #expect(Self.text(response, s) == expected, "\(Array(s.utf8))")
            let parsed = try JSONParser.parse(AdmissionReviewEncoder.encode(response, apiVersion: s))
            #expect(parsed["response", "uid"]?.stringValue == s)
        }
    }

    @Test func v1beta1IsEchoed() {
        #expect(Self.text(AdmissionResponse(uid: "u", allowed: true), "admission.k8s.io/v1beta1")
            == #"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}"#)
    }

    @Test func noPatchNorPatchTypeWhenPatchIsNilOrEmpty() {
        for patch in [nil, JSONPatch()] as [JSONPatch?] {
            let text = Self.text(AdmissionResponse(uid: "u", allowed: true, patch: patch))
            #expect(!text.contains("patch"))
        }
    }

    @Test func uidAndMessagesNeedingEscapesStayValidJSON() throws {
        let status = AdmissionResponse.Status(code: 422, reason: "Invalid", message: "line one\nline \"two\" \\ \u{1}")
        let bytes = AdmissionReviewEncoder.encode(AdmissionResponse(uid: "a\"b\\c", allowed: false, status: status, warnings: ["é ✓"]), apiVersion: Self.v1)
        let parsed = try JSONParser.parse(bytes)
        #expect(parsed["response", "uid"] == "a\"b\\c")
        #expect(parsed["response", "status", "message"]?.stringValue == status.message)
        #expect(parsed["response", "warnings", "0"] == "é ✓")
    }

    // MARK: - decodeResponse

    @Test func decodeResponseRoundTrips() throws {
        let status = AdmissionResponse.Status(code: 403, reason: "Forbidden", message: "[GW-TLS] no tls")
        let responses = [
            AdmissionResponse(uid: "u-1", allowed: true),
            AdmissionResponse(uid: "u-2", allowed: false, status: status, warnings: ["w1", "w2"]),
            AdmissionResponse(uid: "u-3", allowed: true, patch: Self.addAnnotations, warnings: ["[KSVC-GPU] copied"]),
        ]
        for apiVersion in AdmissionReviewDecoder.supportedAPIVersions {
            for response in responses {
                let decoded = try AdmissionReviewEncoder.decodeResponse(AdmissionReviewEncoder.encode(response, apiVersion: apiVersion))
                #expect(decoded.apiVersion == apiVersion)
                #expect(decoded.response == response)
            }
        }
        let emptyPatch = try AdmissionReviewEncoder.decodeResponse(AdmissionReviewEncoder.encode(AdmissionResponse(uid: "u", allowed: true, patch: JSONPatch()), apiVersion: Self.v1))
        #expect(emptyPatch.response.patch == nil)
    }

    static func response(_ members: String, apiVersion: String = #""admission.k8s.io/v1""#) -> [UInt8] {
        Array("{\"apiVersion\":\(apiVersion),\"kind\":\"AdmissionReview\",\"response\":{\(members)}}".utf8)
    }

    static let brokenResponses: [(body: [UInt8], error: String)] = [
        (Array("{nope".utf8), "not JSON: invalid JSON at byte 1: "),
        (response(#""uid":"u","allowed":true"#, apiVersion: #""admission.k8s.io/v2""#),
         #"apiVersion "admission.k8s.io/v2" is not supported (admission.k8s.io/v1 or v1beta1)"#),
        (Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8), "response is missing"),
        (response(#""allowed":true"#), "response.uid is missing"),
        (response(#""uid":"","allowed":true"#), "response.uid must not be empty"),
        (response(#""uid":"u""#), "response.allowed is missing"),
        (response(#""uid":"u","allowed":"yes""#), "response.allowed must be a boolean, got a string"),
        (response(#""uid":"u","allowed":true,"patch":"W10=""#), "response.patch is set but response.patchType is missing"),
        (response(#""uid":"u","allowed":true,"patchType":"JSONPatch""#), "response.patchType is set but response.patch is missing"),
        (response(#""uid":"u","allowed":true,"patchType":"MergePatch","patch":"W10=""#),
         #"response.patchType "MergePatch" is not supported (JSONPatch)"#),
        (response(#""uid":"u","allowed":true,"patchType":"JSONPatch","patch":"not base64!""#),
         "response.patch is not valid base64 (RFC 4648 §4, padded)"),
        (response(#""uid":"u","allowed":true,"patchType":"JSONPatch","patch":"e30=""#),  // {}
         "response.patch must decode to a JSON array, got an object"),
        (response(#""uid":"u","allowed":true,"patchType":"JSONPatch","patch":"WyJ4Il0=""#),  // ["x"]
         "response.patch is not an RFC 6902 patch: a patch operation must be an object"),
        (response(#""uid":"u","allowed":true,"warnings":[1]"#), "response.warnings[0] must be a string, got a number"),
        (response(#""uid":"u","allowed":false,"status":{"code":"403"}"#), "response.status.code must be an integer, got a string"),
    ]

    @Test(arguments: brokenResponses.indices)
    func decodeResponseChecksWhatTheAPIServerChecks(_ index: Int) {
        let (body, expected) = Self.brokenResponses[index]
        do {
            _ = try AdmissionReviewEncoder.decodeResponse(body)
            Issue.record("accepted: \(expected)")
        } catch {
            if expected.hasSuffix(": ") {
                #expect(error.message.hasPrefix(expected))
            } else {
                #expect(error.message == expected)
            }
        }
    }
}

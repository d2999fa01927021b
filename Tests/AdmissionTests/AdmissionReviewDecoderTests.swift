// AdmissionReviewDecoder: realistic v1 and v1beta1 reviews decode in full; broken bodies give named errors.
import Foundation
import Testing
@testable import Admission

/// Decoder tests. Owned by the test suite; any Swift Testing thread; reads the 3.6 KB fixture.
@Suite("AdmissionReviewDecoder")
struct AdmissionReviewDecoderTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.json + "/" + name)))
    }

    @Test func decodesTheRecordedKnativeServiceReviewWithEveryField() throws {
        let review = try AdmissionReviewDecoder.decode(try Self.fixture("ksvc-review-3.6k.json"))
        let request = review.request
        #expect(review.apiVersion == "admission.k8s.io/v1")
        #expect(request.uid == "0c9a3f5e-8d1b-4b6e-9f3a-2d7c1e4b5a60")
        #expect(request.kind == GroupVersionKind(group: "serving.knative.dev", version: "v1", kind: "Service"))
        #expect(request.resource == GroupVersionResource(group: "serving.knative.dev", version: "v1", resource: "services"))
        #expect(request.requestKind == GroupVersionKind(group: "serving.knative.dev", version: "v1", kind: "Service"))
        #expect(request.requestResource == GroupVersionResource(group: "serving.knative.dev", version: "v1", resource: "services"))
        #expect(request.subResource == nil)
        #expect(request.name == "payments-api")
        #expect(request.namespace == "shop")
        #expect(request.operation == .create)
        #expect(request.userInfo?["username"]?.materialized() == "system:serviceaccount:shop:deployer")
        #expect(request.object?["spec", "template", "spec", "containers", "0", "name"]?.materialized() == "user-container")
        #expect(request.oldObject?.materialized() == JSONValue?.none)  // "oldObject": null is absent, not .null
        #expect(request.dryRun == false)
        #expect(request.options?["kind"]?.materialized() == "CreateOptions")
    }

    @Test func decodesAV1beta1UpdateWithSubresourceOldObjectAndDryRun() throws {
        let body = """
        {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"b-1",
        "kind":{"group":"","version":"v1","kind":"Secret"},"resource":{"group":"","version":"v1","resource":"secrets"},
        "subResource":"status","requestKind":{"group":"","version":"v1","kind":"Secret"},
        "requestResource":{"group":"","version":"v1","resource":"secrets"},"requestSubResource":"status",
        "name":"tls","namespace":"knative-serving","operation":"UPDATE",
        "userInfo":{"username":"admin","groups":["system:masters"]},
        "object":{"kind":"Secret","data":{"k":"dg=="}},"oldObject":{"kind":"Secret"},"dryRun":true,
        "options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1"},"futureField":[1,2]}}
        """
        let review = try AdmissionReviewDecoder.decode(Array(body.utf8))
        let request = review.request
        #expect(review.apiVersion == "admission.k8s.io/v1beta1")
        #expect(request.uid == "b-1")
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Secret"))
        #expect(request.kind.description == "v1 Secret")
        #expect(request.resource.resource == "secrets")
        #expect(request.subResource == "status")
        #expect(request.requestKind?.kind == "Secret")
        #expect(request.requestResource?.resource == "secrets")
        #expect(request.name == "tls")
        #expect(request.namespace == "knative-serving")
        #expect(request.operation == .update)
        #expect(request.userInfo?["groups", "0"]?.materialized() == "system:masters")
        #expect(request.object?["data", "k"]?.materialized() == "dg==")
        #expect(request.oldObject?.materialized() == ["kind": "Secret"])
        #expect(request.dryRun)
        #expect(request.options?["kind"]?.materialized() == "UpdateOptions")
    }

    @Test func optionalFieldsMayBeAbsentAndGroupDefaultsToCore() throws {
        let body = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"Namespace"},"resource":{"version":"v1","resource":"namespaces"},"operation":"DELETE"}}"#
        let request = try AdmissionReviewDecoder.decode(Array(body.utf8)).request
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Namespace"))
        #expect(request.operation == .delete)
        #expect(request.name == nil && request.namespace == nil && request.requestKind == nil && request.dryRun == false)
        #expect(request.object?.materialized() == JSONValue?.none && request.userInfo?.materialized() == JSONValue?.none && request.options?.materialized() == JSONValue?.none)
    }

    @Test func nullOptionalFieldsAreAbsent() throws {
        let extra = #","name":null,"namespace":null,"subResource":null,"requestKind":null,"userInfo":null,"object":null,"oldObject":null,"dryRun":null,"options":null"#
        let request = try AdmissionReviewDecoder.decode(Self.body(extra: extra)).request
        #expect(request.name == nil && request.namespace == nil && request.subResource == nil && request.requestKind == nil)
        #expect(request.userInfo?.materialized() == JSONValue?.none && request.object?.materialized() == JSONValue?.none && request.oldObject?.materialized() == JSONValue?.none)
        #expect(request.options?.materialized() == JSONValue?.none && request.dryRun == false)
    }

    @Test func everyOperationDecodes() throws {
        for operation in ["CREATE", "UPDATE", "DELETE", "CONNECT"] {
            let request = try AdmissionReviewDecoder.decode(Self.body(operation: "\"\(operation)\"")).request
            #expect(request.operation.rawValue == operation)
        }
    }

    @Test func anObjectThatIsAStringIsLeftToThePolicy() throws {
        let request = try AdmissionReviewDecoder.decode(Self.body(extra: #","object":"not an object""#)).request
        #expect(request.object?.materialized() == "not an object")
    }

    @Test func decodesFromABufferAndFromParsedJSON() throws {
        let bytes = Self.body()
        let fromBuffer = try bytes.withUnsafeBytes { buffer throws(AdmissionReviewError) in try AdmissionReviewDecoder.decode(buffer) }
        let fromJSON = try AdmissionReviewDecoder.decode(json: try JSONParser.parse(bytes))
        #expect(fromBuffer.request.uid == "u-1" && fromJSON.request.uid == "u-1")
    }

    // MARK: - Broken bodies

    /// A review with one part replaced.
    static func body(apiVersion: String = #""admission.k8s.io/v1""#, kind: String = #""AdmissionReview""#,
                     uid: String = #""u-1""#, operation: String = #""CREATE""#, extra: String = "") -> [UInt8] {
        Array(("{\"apiVersion\":\(apiVersion),\"kind\":\(kind),\"request\":{\"uid\":\(uid),"
            + #""kind":{"group":"serving.knative.dev","version":"v1","kind":"Service"},"#
            + #""resource":{"group":"serving.knative.dev","version":"v1","resource":"services"},"#
            + "\"operation\":\(operation)\(extra)}}").utf8)
    }

    static let broken: [(name: String, body: [UInt8], error: String)] = [
        ("empty body", [], "not JSON: invalid JSON at byte 0: unexpected end of input, expected a value"),
        ("not JSON", Array("kind: AdmissionReview".utf8), "not JSON: invalid JSON at byte 0: "),
        ("truncated", Array(#"{"apiVersion":"admission.k8s.io/v1","kind""#.utf8), "not JSON: invalid JSON at byte 42: "),
        ("JSON array", Array("[1,2]".utf8), "an AdmissionReview must be a JSON object, got an array"),
        ("JSON string", Array(#""review""#.utf8), "an AdmissionReview must be a JSON object, got a string"),
        ("missing apiVersion", Array(#"{"kind":"AdmissionReview","request":{}}"#.utf8), "apiVersion is missing"),
        ("apiVersion a number", body(apiVersion: "1"), "apiVersion must be a string, got a number"),
        ("wrong apiVersion", body(apiVersion: #""admission.k8s.io/v2""#),
         #"apiVersion "admission.k8s.io/v2" is not supported (admission.k8s.io/v1 or v1beta1)"#),
        ("missing kind", Array(#"{"apiVersion":"admission.k8s.io/v1","request":{}}"#.utf8), "kind is missing"),
        ("wrong kind", body(kind: #""AdmissionRequest""#), #"kind "AdmissionRequest" is not supported (AdmissionReview)"#),
        ("missing request", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8), "request is missing"),
        ("null request", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}"#.utf8), "request is missing"),
        ("request an array", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":[]}"#.utf8),
         "request must be an object, got an array"),
        ("missing uid", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}"#.utf8),
         "request.uid is missing"),
        ("empty uid", body(uid: #""""#), "request.uid must not be empty"),
        ("uid a number", body(uid: "42"), "request.uid must be a string, got a number"),
        ("uid null", body(uid: "null"), "request.uid is missing"),
        ("bad operation", body(operation: #""PATCH""#), #"request.operation "PATCH" is not one of CREATE, UPDATE, DELETE, CONNECT"#),
        ("operation lower case", body(operation: #""create""#), #"request.operation "create" is not one of CREATE, UPDATE, DELETE, CONNECT"#),
        ("operation a bool", body(operation: "true"), "request.operation must be a string, got a boolean"),
        ("dryRun a string", body(extra: #","dryRun":"true""#), "request.dryRun must be a boolean, got a string"),
        ("name a number", body(extra: #","name":7"#), "request.name must be a string, got a number"),
        ("userInfo a string", body(extra: #","userInfo":"admin""#), "request.userInfo must be an object, got a string"),
        ("options an array", body(extra: #","options":[]"#), "request.options must be an object, got an array"),
        ("requestKind a string", body(extra: #","requestKind":"Service""#), "request.requestKind must be an object, got a string"),
        ("kind.kind a number", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":1},"resource":{"version":"v1","resource":"pods"},"operation":"CREATE"}}"#.utf8),
         "request.kind.kind must be a string, got a number"),
        ("kind.version missing", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"resource":{"version":"v1","resource":"pods"},"operation":"CREATE"}}"#.utf8),
         "request.kind.version is missing"),
        ("kind.group a bool", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":false,"version":"v1","kind":"Pod"},"resource":{"version":"v1","resource":"pods"},"operation":"CREATE"}}"#.utf8),
         "request.kind.group must be a string, got a boolean"),
        ("missing kind", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","resource":{"version":"v1","resource":"pods"},"operation":"CREATE"}}"#.utf8),
         "request.kind is missing"),
        ("missing resource", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"Pod"},"operation":"CREATE"}}"#.utf8),
         "request.resource is missing"),
        ("resource.resource empty", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"Pod"},"resource":{"version":"v1","resource":""},"operation":"CREATE"}}"#.utf8),
         "request.resource.resource must not be empty"),
        ("missing operation", Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"Pod"},"resource":{"version":"v1","resource":"pods"}}}"#.utf8),
         "request.operation is missing"),
    ]

    @Test(arguments: broken.indices)
    func brokenBodyIsRejectedWithANamedError(_ index: Int) {
        let (name, body, expected) = Self.broken[index]
        do {
            let review = try AdmissionReviewDecoder.decode(body)
            Issue.record("\(name): decoded \(review.request.uid)")
        } catch {
            if expected.hasSuffix(": ") {
                #expect(error.message.hasPrefix(expected), "\(name): \(error.message)")
            } else {
                #expect(error.message == expected, "\(name)")
            }
            #expect(error.description == error.message)
            #expect(error.httpStatus == 400)
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func errorsDoNotQuoteLongOrMultiLineValues() {
        let long = String(repeating: "x", count: 500) + "\n"
        let body = Self.body(apiVersion: JSONValue.string(long).jsonString)
        #expect(throws: AdmissionReviewError.self) { try AdmissionReviewDecoder.decode(body) }
        if case .failure(let error) = Result(catching: { () throws(AdmissionReviewError) in try AdmissionReviewDecoder.decode(body) }) {
            #expect(error.message.count < 160)
            #expect(!error.message.contains("\n"))
        }
    }

    /// Every prefix of a real review, and every single-byte corruption of its envelope, is either
    /// decoded or rejected with an error: the decoder never traps.
    @Test func truncationsAndCorruptionsNeverTrap() throws {
        let bytes = try Self.fixture("ksvc-review-3.6k.json")
        for end in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: AdmissionReviewError.self) { try AdmissionReviewDecoder.decode(Array(bytes[..<end])) }
        }
        for position in 0..<min(bytes.count, 700) {
            for replacement in [UInt8(ascii: "\""), UInt8(ascii: "1"), UInt8(ascii: "{"), 0x00] {
                var corrupted = bytes
                corrupted[position] = replacement
                _ = try? AdmissionReviewDecoder.decode(corrupted)
            }
        }
    }
}

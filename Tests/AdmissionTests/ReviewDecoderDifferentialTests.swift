// The tape-level envelope reader against the view-based decoder it replaced: same values, same errors.
import Testing
@testable import Admission

/// Differential tests of `AdmissionReviewDecoder.decode` against `ReferenceReviewDecoder`
/// (the decoder as it was), over generated reviews that reach every check: each envelope and
/// request member absent, null, of each wrong type, empty, escaped, repeated (the last one
/// counts), under an escaped key; `requestKind`/`requestResource` equal to `kind`/`resource`
/// byte for byte, equal only once decoded, or different (the reader shares Strings between
/// equal raw texts); the long group and kind names the reader returns as literals, escaped
/// or not, and near misses. Owned by the test suite; any Swift Testing thread; no I/O.
@Suite("Review decoder differential")
struct ReviewDecoderDifferentialTests {
    /// JSON texts (already encoded) to pick from for one member.
    static let notAString = ["null", "1", "true", "false", "{}", "[]", #"{"a":1}"#, #"["x"]"#, "-0.5e3"]
    /// Good and bad texts per member (a bad one is rejected where the member is required).
    static let apiVersions = [#""admission.k8s.io/v1""#, #""admission.k8s.io/v1beta1""#, #""admission.k8s.io\/v1""#,
                              #""\u0061dmission.k8s.io/v1beta1""#]
    static let badAPIVersions = [#""admission.k8s.io/v2""#, #""admission.k8s.io/v1 ""#, #""""#, #""admission.k8s.io""#,
                                 #""ADMISSION.K8S.IO/V1""#]
    static let kinds = [#""AdmissionReview""#, #""AdmissionRevie\u0077""#]
    static let badKinds = [#""AdmissionRequest""#, #""""#, #""admissionreview""#, #""AdmissionReview\n""#]
    static let uids = [#""u-1""#, #""0c9a3f5e-8d1b-4b6e-9f3a-2d7c1e4b5a60""#, #""\u0000""#, #""é\"x""#]
    static let operations = [#""CREATE""#, #""UPDATE""#, #""DELETE""#, #""CONNECT""#, #""CREAT\u0045""#]
    static let badOperations = [#""PATCH""#, #""create""#, #""CONNECTX""#, #""""#, #""\"DELETE\"""#]
    static let shortStrings = [#""""#, #""status""#, #""payments-api""#, #""a-rather-long-name-of-forty-characters-x""#,
                               #""sh\u006fp""#, #""日本""#, #""line\nbreak""#]
    static let groups = [#""serving.knative.dev""#, #""serving.knative.de\u0076""#, #""""#, #""apps""#,
                         #""networking.istio.io""#, #""serving.knative.dev ""#, #""maistra.io""#, #""operator.knative.dev""#,
                         #""networking.k8s.io""#, #""networking.k8s.iO""#]
    static let versions = [#""v1""#, #""v1beta1""#, #""v\u0031""#, #""v2alpha1-of-a-long-version""#]
    static let names = [#""Service""#, #""services""#, #""Servic\u0065""#, #""Secret""#, #""secrets""#,
                        #""ServiceMeshMemberRollWithALongName""#, #""ServiceMeshMemberRoll""#, #""servicemeshmemberrolls""#,
                        #""ServiceMeshMemberRol\u006c""#, #""ServiceMeshControlPlane""#, #""servicemeshcontrolplanes""#]

    struct Generator {
        var random: SeededGenerator
        /// Whether this review may have wrong members (else every member is present and valid).
        var faults = false

        mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        mutating func one(_ texts: [String]) -> String { texts[pick(texts.count)] }
        /// One of `good`; with faults, sometimes one of `bad` or a value of another type.
        mutating func value(_ good: [String], _ bad: [String] = []) -> String {
            faults && pick(6) == 0 ? one(bad + ReviewDecoderDifferentialTests.notAString) : one(good)
        }

        /// Members as (key, value text); a key may be escaped (same decoded key).
        mutating func object(_ members: [(String, String)]) -> String {
            var chosen: [(String, String)] = []
            for (key, value) in members {
                switch faults ? pick(12) : 2 + pick(10) {
                case 0: continue  // absent
                case 1: chosen.append((key, "null"))
                case 2: chosen.append((key, value)); chosen.append((key, self.value([value])))  // repeated
                default: chosen.append((key, value))
                }
            }
            if pick(3) == 0 { chosen.append(("futureField", "[1,2]")) }
            if pick(4) == 0 { chosen.shuffle(using: &random) }
            let text = chosen.map { key, value in
                let written = pick(10) == 0 && !key.isEmpty ? "\\u00\(String(key.utf8.first.map { Int($0) } ?? 0, radix: 16))" + key.dropFirst() : key
                return "\"\(written)\":\(value)"
            }.joined(separator: pick(5) == 0 ? " , " : ",")
            return "{" + text + "}"
        }

        mutating func groupVersionName(third: String) -> String {
            object([("group", value(ReviewDecoderDifferentialTests.groups)), ("version", value(ReviewDecoderDifferentialTests.versions, [#""""#])),
                    (third, value(ReviewDecoderDifferentialTests.names, [#""""#]))])
        }

        /// `requestKind` (or `requestResource`): often the same text as `kind`, sometimes another.
        mutating func repeated(_ text: String, third: String) -> String {
            pick(3) == 0 ? groupVersionName(third: third) : text
        }

        mutating func review() -> [UInt8] {
            faults = pick(2) == 0
            let kind = value([groupVersionName(third: "kind")])
            let resource = value([groupVersionName(third: "resource")])
            let request = object([
                ("uid", value(ReviewDecoderDifferentialTests.uids, [#""""#])), ("kind", kind), ("resource", resource),
                ("subResource", value(ReviewDecoderDifferentialTests.shortStrings)),
                ("requestKind", repeated(kind, third: "kind")), ("requestResource", repeated(resource, third: "resource")),
                ("name", value(ReviewDecoderDifferentialTests.shortStrings)), ("namespace", value(ReviewDecoderDifferentialTests.shortStrings)),
                ("operation", value(ReviewDecoderDifferentialTests.operations, ReviewDecoderDifferentialTests.badOperations)),
                ("userInfo", value([#"{"username":"admin","groups":["system:masters"]}"#, "{}"])),
                ("object", value([#"{"kind":"Service","metadata":{"name":"x"}}"#, #""not an object""#])),
                ("oldObject", value([#"{"kind":"Service"}"#])),
                ("dryRun", value(["true", "false", "null"], [#""true""#, "0"])),
                ("options", value([#"{"kind":"CreateOptions"}"#])),
            ])
            let envelope = object([("apiVersion", value(ReviewDecoderDifferentialTests.apiVersions, ReviewDecoderDifferentialTests.badAPIVersions)),
                                   ("kind", value(ReviewDecoderDifferentialTests.kinds, ReviewDecoderDifferentialTests.badKinds)),
                                   ("request", value([request]))])
            return Array(value([envelope]).utf8)
        }
    }

    static func same(_ a: JSONView?, _ b: JSONView?) -> Bool {
        a?.index == b?.index && a?.document === b?.document
    }

    static func same(_ a: AdmissionRequest, _ b: AdmissionRequest) -> Bool {
        a.uid == b.uid && a.kind == b.kind && a.resource == b.resource && a.subResource == b.subResource
            && a.requestKind == b.requestKind && a.requestResource == b.requestResource && a.name == b.name
            && a.namespace == b.namespace && a.operation == b.operation && same(a.userInfo, b.userInfo)
            && same(a.object, b.object) && same(a.oldObject, b.oldObject) && a.dryRun == b.dryRun && same(a.options, b.options)
    }

    @Test func generatedReviewsDecodeAsBefore() throws {
        var generator = Generator(random: SeededGenerator(seed: 0x5EED_DEC0DE))
        var decoded = 0, rejected = 0
        for _ in 0..<20_000 {
            let bytes = generator.review()
            let document = try JSONDocument(parsing: bytes)
            let new = Result { () throws(AdmissionReviewError) in try AdmissionReviewDecoder.decode(document.root) }
            let old = Result { () throws(AdmissionReviewError) in try ReferenceReviewDecoder.decode(document.root) }
            switch (new, old) {
            case (.success(let a), .success(let b)):
                decoded += 1
                #expect(a.apiVersion == b.apiVersion && Self.same(a.request, b.request), "\(String(decoding: bytes, as: UTF8.self))")
            case (.failure(let a), .failure(let b)):
                rejected += 1
                #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))")
            default:
                Issue.record("\(new) vs \(old): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // Both outcomes are exercised in quantity.
        #expect(decoded > 1_000 && rejected > 1_000, "decoded \(decoded), rejected \(rejected)")
    }

    @Test func theBenchmarkReviewDecodesAsBefore() throws {
        let bytes = try AdmissionReviewDecoderTests.fixture("ksvc-review-3.6k.json")
        let document = try JSONDocument(parsing: bytes)
        let new = try AdmissionReviewDecoder.decode(document.root)
        let old = try ReferenceReviewDecoder.decode(document.root)
        #expect(new.apiVersion == old.apiVersion && Self.same(new.request, old.request))
    }
}

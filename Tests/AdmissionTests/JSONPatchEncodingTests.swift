// The directly written patch bytes against the JSONValue reference, pointer by pointer and patch by patch.
import Testing
@testable import Admission

/// `JSONPatch.encoded()` and `JSONWriter.append(pointer:)` write without building a
/// `JSONValue`; these tests hold them to `jsonValue.serialized()` and
/// `append(string: pointer.description)`, which are the reference. Owned by the test suite;
/// any Swift Testing thread; no I/O.
@Suite("JSON Patch encoding")
struct JSONPatchEncodingTests {
    /// Tokens that exercise every path of the one-pass escaping: RFC 6901 escapes, JSON
    /// escapes (short forms and \u00XX), both next to each other, non-ASCII, empty tokens,
    /// and tokens longer than a small String (15 bytes) so heap-allocated storage is covered.
    static let tokens: [String] = [
        "", "a", "metadata", "sidecar.istio.io/inject", "a~b/c", "~1", "~0", "/~", "~", "/", "//", "~~",
        "quote\"d", "back\\slash", "\\\"", "new\nline", "tab\there", "\u{0}", "\u{1}\u{1F}\u{7F}", "\u{8}\u{C}\r",
        "é", "日本語/キー", "😀~😀", "a-long-token-with-no-escapes-at-all-0123456789",
        "a-long-token/with~escapes\"and\\json\u{1B}escapes-0123456789",
    ]

    static func writtenPointer(_ pointer: JSONPointer) -> [UInt8] {
        var writer = JSONWriter()
        writer.append(pointer: pointer)
        return writer.bytes
    }

    static func referencePointer(_ pointer: JSONPointer) -> [UInt8] {
        var writer = JSONWriter()
        writer.append(string: pointer.description)
        return writer.bytes
    }

    @Test func pointerIsWrittenLikeItsDescriptionAsAJSONString() {
        #expect(Self.writtenPointer(.root) == Array(#""""#.utf8))
        for token in Self.tokens {
            for pointer in [JSONPointer(tokens: [token]), JSONPointer(tokens: ["spec", token]),
                            JSONPointer(tokens: [token, token]), JSONPointer(tokens: [token, "", token])] {
                #expect(Self.writtenPointer(pointer) == Self.referencePointer(pointer), "\(pointer.tokens)")
            }
        }
    }

    /// Hand-written expectations, so that a mistake shared by `description` and the writer
    /// (both use `JSONPointer.escapeCode(for:)`) would still show.
    @Test(arguments: [
        ([String](), #""""#),
        ([""], #""/""#),
        (["", ""], #""//""#),
        (["a", ""], #""/a/""#),
        (["metadata", "annotations", "sidecar.istio.io/inject"], #""/metadata/annotations/sidecar.istio.io~1inject""#),
        (["a~b/c"], #""/a~0b~1c""#),
        (["~1"], #""/~01""#),
        (["k\"l", "i\\j"], #""/k\"l/i\\j""#),
        (["\u{0}\n\u{1F}/"], #""/\u0000\n\u001f~1""#),
        (["é/😀"], "\"/é~1😀\""),
    ])
    func pointerBytesAreExact(_ tokens: [String], _ expected: String) {
        #expect(String(decoding: Self.writtenPointer(JSONPointer(tokens: tokens)), as: UTF8.self) == expected)
    }

    /// Values with keys and strings that need JSON escaping, nested.
    static let values: [JSONValue] = [
        .null, .bool(true), .bool(false), "true", "", "quote\" back\\ nl\n ctl\u{1} del\u{7F} é 😀 / ~",
        .number(JSONNumber(unchecked: "-1.5e3")), .array([]), .object(JSONObject()),
        .array([.null, "x", .array([.bool(false)]), .object(JSONObject())]),
        {
            var inner = JSONObject()
            inner.set("k\"ey\u{0}", to: "v\\al\u{1F}")
            inner.set("日本", to: .array(["a/b", "c~d"]))
            var outer = JSONObject()
            outer.set("", to: .object(inner))
            outer.set("sidecar.istio.io/inject", to: "true")
            return .object(outer)
        }(),
    ]

    /// Every kind of operation, over every test token and value.
    static var operations: [JSONPatchOperation] {
        var operations: [JSONPatchOperation] = []
        for (n, token) in tokens.enumerated() {
            let path = JSONPointer(tokens: ["metadata", "annotations", token])
            let from = JSONPointer(tokens: [token, ""])
            let value = values[n % values.count]
            operations += [
                .add(path: path, value: value), .remove(path: path), .replace(path: path, value: value),
                .move(from: from, path: path), .copy(from: from, path: path), .test(path: path, value: value),
            ]
        }
        operations += [.add(path: .root, value: values[values.count - 1]), .remove(path: .root),
                       .move(from: .root, path: JSONPointer(tokens: [""])), .test(path: .root, value: .null)]
        return operations
    }

    @Test func eachOperationIsWrittenLikeItsJSONValue() {
        for operation in Self.operations {
            var writer = JSONWriter()
            writer.append(operation)
            #expect(writer.bytes == operation.jsonValue.serialized(), "\(operation)")
            #expect(JSONPatch([operation]).encoded() == JSONPatch([operation]).jsonValue.serialized(), "\(operation)")
        }
    }

    @Test func wholePatchesAreWrittenLikeTheirJSONValue() throws {
        let all = JSONPatch(Self.operations)
        #expect(all.encoded() == all.jsonValue.serialized())
        #expect(try JSONPatch(parsing: all.encoded()) == all)
        #expect(JSONPatch().encoded() == Array("[]".utf8))
        #expect(JSONPatch().encoded() == JSONPatch().jsonValue.serialized())
    }

    @Test func randomPatchesAreWrittenLikeTheirJSONValue() throws {
        var generator = SeededGenerator(seed: 6902)
        let pieces = Self.tokens + ["x", "y", "0", "-"]
        func pointer() -> JSONPointer {
            JSONPointer(tokens: (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                (0..<Int.random(in: 1...3, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            })
        }
        for _ in 0..<300 {
            let operations: [JSONPatchOperation] = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                let value = Self.values.randomElement(using: &generator) ?? .null
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: return .add(path: pointer(), value: value)
                case 1: return .remove(path: pointer())
                case 2: return .replace(path: pointer(), value: value)
                case 3: return .move(from: pointer(), path: pointer())
                case 4: return .copy(from: pointer(), path: pointer())
                default: return .test(path: pointer(), value: value)
                }
            }
            let patch = JSONPatch(operations)
            #expect(patch.encoded() == patch.jsonValue.serialized())
            #expect(try JSONPatch(parsing: patch.encoded()) == patch)
        }
    }

    /// The answer carries the base64 of exactly `jsonValue.serialized()`, now written without
    /// an intermediate array for the base64 text.
    @Test func theAnswerCarriesTheBase64OfTheReferenceBytes() throws {
        let patch = JSONPatch(Self.operations)
        let answer = AdmissionReviewEncoder.encode(AdmissionResponse(uid: "u", allowed: true, patch: patch), apiVersion: "admission.k8s.io/v1")
        let expected = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"#
            + #""patchType":"JSONPatch","patch":""# + Base64.encodeToString(patch.jsonValue.serialized()) + #""}}"#
        #expect(answer == Array(expected.utf8))
    }
}

// RFC 6901 JSON Pointer: escaping, parsing and resolution.
import Testing
@testable import Admission

/// Pointer tests. Owned by the test suite; any Swift Testing thread; no I/O.
struct JSONPointerTests {
    @Test(arguments: [
        ("sidecar.istio.io/inject", "sidecar.istio.io~1inject"),
        ("a~b/c", "a~0b~1c"),
        ("~1", "~01"),
        ("/~", "~1~0"),
        ("plain", "plain"),
        ("", ""),
        ("é/😀", "é~1😀"),
    ])
    func escapesTildeThenSlash(_ raw: String, _ escaped: String) {
        #expect(JSONPointer.escape(raw) == escaped)
        #expect(JSONPointer.unescape(escaped) == raw)
    }

    /// A static path's precomputed pointer text (`JSONPath.pointer`) is what the token-by-token
    /// writer and `description` give, escapes included; changing its tokens drops the text.
    @Test(arguments: [
        ["metadata", "annotations", "sidecar.istio.io/inject"],
        ["spec", "template", "metadata", "labels", "a~b/c"],
        ["~1", "/", "~", "", "quote\"and\\back", "tab\t", "é"],
        [],
    ])
    func precomputedPointerTextMatchesTheEscaper(_ tokens: [String]) {
        let path = JSONPath(tokens)
        #expect(path.pointer.text != nil)
        #expect(path.pointer == JSONPointer(tokens: tokens))
        var plain: [UInt8] = []
        JSONWriter.writeUnquoted(pointer: JSONPointer(tokens: tokens), to: &plain)
        var precomputed: [UInt8] = []
        JSONWriter.writeUnquoted(pointer: path.pointer, to: &precomputed)
        #expect(precomputed == plain)
        #expect(path.pointer.text == plain)
        var quoted: [UInt8] = []
        JSONWriter.appendQuoted(JSONPointer(tokens: tokens).description, to: &quoted)
        #expect(quoted == [UInt8(ascii: "\"")] + precomputed + [UInt8(ascii: "\"")])
        var changed = path.pointer
        changed.tokens.append("x/y")
        #expect(changed.text == nil)
        var written = JSONWriter()
        written.append(pointer: changed)
        var expected: [UInt8] = []
        JSONWriter.appendQuoted(changed.description, to: &expected)
        #expect(written.bytes == expected)
    }

    @Test func unescapeRejectsABareTilde() {
        #expect(JSONPointer.unescape("a~") == nil)
        #expect(JSONPointer.unescape("a~2") == nil)
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "/a~") }
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "a/b") }
    }

    @Test func descriptionAndParsingRoundTrip() throws {
        let pointer = JSONPointer(tokens: ["spec", "template", "metadata", "annotations", "sidecar.istio.io/inject"])
        #expect(pointer.description == "/spec/template/metadata/annotations/sidecar.istio.io~1inject")
        #expect(try JSONPointer(parsing: pointer.description) == pointer)
        #expect(try JSONPointer(parsing: "") == .root)
        #expect(try JSONPointer(parsing: "/").tokens == [""])
        #expect(try JSONPointer(parsing: "//a/").tokens == ["", "a", ""])
    }

    /// RFC 6901 §5's example document and pointers.
    @Test func resolvesTheRFC6901Examples() throws {
        let document = try JSONParser.parse(#"""
            {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}
            """#)
        let cases: [(String, JSONValue)] = [
            ("", document), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1), ("/c%d", 2),
            ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
        ]
        for (text, expected) in cases {
            #expect(document.value(at: try JSONPointer(parsing: text)) == expected, "\(text)")
        }
        #expect(document.value(at: try JSONPointer(parsing: "/foo/2")) == nil)
        #expect(document.value(at: try JSONPointer(parsing: "/foo/-")) == nil)
        #expect(document.value(at: try JSONPointer(parsing: "/foo/01")) == nil)
        #expect(document.value(at: try JSONPointer(parsing: "/missing")) == nil)
    }

    @Test func arrayIndexesFollowTheRFC6901Grammar() {
        #expect(JSONPointer.arrayIndex("0") == 0)
        #expect(JSONPointer.arrayIndex("10") == 10)
        #expect(JSONPointer.arrayIndex("01") == nil)
        #expect(JSONPointer.arrayIndex("-1") == nil)
        #expect(JSONPointer.arrayIndex("+1") == nil)
        #expect(JSONPointer.arrayIndex("-") == nil)
        #expect(JSONPointer.arrayIndex("") == nil)
        #expect(JSONPointer.arrayIndex("99999999999999999999999") == nil)
    }
}

extension JSONPointerTests {
    /// Pointers compare tokens byte for byte, as object keys do (not by Unicode equivalence).
    @Test func canonicallyEquivalentTokensAreDifferentPointers() {
        let composed = JSONPointer(tokens: ["metadata", "\u{E9}"])
        let decomposed = JSONPointer(tokens: ["metadata", "e\u{301}"])
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(composed == JSONPointer(tokens: ["metadata", "\u{E9}"]))
        #expect(composed.hashValue == JSONPointer(tokens: ["metadata", "\u{E9}"]).hashValue)
    }
}

// Exact-bytes and round-trip tests of the compact JSON writer.
import Testing
@testable import Admission

/// Writer tests. Owned by the test suite; any Swift Testing thread; no I/O.
struct JSONWriterTests {
    @Test func writesCompactTextInStoredOrder() {
        var object = JSONObject()
        object.set("z", to: 1)
        object.set("a", to: [true, false, nil])
        object.set("m", to: ["": ""])
        #expect(JSONValue.object(object).jsonString == #"{"z":1,"a":[true,false,null],"m":{"":""}}"#)
    }

    @Test func escapesOnlyWhatRFC8259Requires() {
        let value: JSONValue = .string("q\" b\\ /slash é 😀 \u{0}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}")
        let expected = #""q\" b\\ /slash é 😀 \u0000\b\t\n\f\r\u001f"# + "\u{7f}\""
        #expect(value.jsonString == expected)
        #expect(value.serialized() == Array(expected.utf8))
    }

    @Test func escapesKeysLikeStrings() {
        let value: JSONValue = ["a\"b\n": 1]
        #expect(value.jsonString == #"{"a\"b\n":1}"#)
    }

    @Test func writesNumbersAsTheirSourceText() throws {
        let text = "[1e400,0.50,-0,1E+2,123456789012345678901234567890]"
        #expect(try JSONParser.parse(text).jsonString == text)
        #expect(JSONValue.number(JSONNumber(42)).jsonString == "42")
    }

    @Test func compactInputRoundTripsByteForByte() throws {
        let text = #"{"kind":"AdmissionReview","request":{"uid":"u","object":{"metadata":{"annotations":{"sidecar.istio.io/inject":"true"}}},"n":[1,2.5,-3e2,{}],"s":"é\u0001"}}"#
        let bytes = try JSONParser.parse(text).serialized()
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    @Test(arguments: [
        #""\u00e9\/""#, "[ 1 , { \"a\" : [ ] } ]", #"{"a":1,"a":2}"#, "\"\\ud83d\\ude00\"", "-0.0e-0",
    ])
    func parseWriteParseIsIdentity(_ text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }
}

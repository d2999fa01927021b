// Table tests of the RFC 8259 parser: what it accepts, and where it says the rest is wrong.
import Testing
@testable import Admission

/// Parser tables. Owned by the test suite; runs on Swift Testing's threads; no I/O.
struct JSONParserTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        let input: [UInt8]
        let expected: JSONValue
        let name: String
        init(_ text: String, _ expected: JSONValue) {
            self.input = Array(text.utf8)
            self.expected = expected
            self.name = text
        }
        init(bytes: [UInt8], _ expected: JSONValue, name: String) {
            self.input = bytes
            self.expected = expected
            self.name = name
        }
        var testDescription: String { name }
    }

    static let valid: [Valid] = [
        Valid(#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{c}\n\r\t")),
        Valid(#""\u00e9\u00C9""#, .string("éÉ")),
        Valid(#""\u0000""#, .string("\u{0}")),
        Valid(#""\uD83D\uDE00 \ud834\udd1e""#, .string("😀 𝄞")),
        Valid("\"é😀中\"", .string("é😀中")),
        Valid(#""a/b""#, .string("a/b")),
        Valid(#""""#, .string("")),
        Valid("\"\u{7F}\"", .string("\u{7F}")),
        Valid(#""\uFFFF\uFEFF""#, .string("\u{FFFF}\u{FEFF}")),
        Valid("0", .number(JSONNumber(unchecked: "0"))),
        Valid("-0", .number(JSONNumber(unchecked: "-0"))),
        Valid("-0.0", .number(JSONNumber(unchecked: "-0.0"))),
        Valid("0.50", .number(JSONNumber(unchecked: "0.50"))),
        Valid("1.5e10", .number(JSONNumber(unchecked: "1.5e10"))),
        Valid("1E+2", .number(JSONNumber(unchecked: "1E+2"))),
        Valid("1e-2", .number(JSONNumber(unchecked: "1e-2"))),
        Valid("1e400", .number(JSONNumber(unchecked: "1e400"))),
        Valid("123456789012345678901234567890", .number(JSONNumber(unchecked: "123456789012345678901234567890"))),
        Valid("true", .bool(true)),
        Valid("false", .bool(false)),
        Valid("null", .null),
        Valid("{}", .object(JSONObject())),
        Valid("[]", .array([])),
        Valid("[{},[],{\"\":[]}]", [[:], [], ["": []]]),
        Valid(" \t\n\r[ 1 ,\t2\n]\r\n ", [1, 2]),
        Valid("{ \"a\" : { \"b\" : [ true , false , null ] } }", ["a": ["b": [true, false, nil]]]),
        Valid(#"{"a":1,"b":2,"a":3}"#, .object(JSONObject([("a", 3), ("b", 2)]))),
        Valid(bytes: Array(repeating: UInt8(ascii: "["), count: 512) + Array(repeating: UInt8(ascii: "]"), count: 512),
              nestedArrays(511), name: "512 nested arrays (the default limit)"),
    ]

    static func nestedArrays(_ depth: Int) -> JSONValue {
        var value: JSONValue = .array([])
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    @Test(arguments: valid)
    func parsesValidDocument(_ c: Valid) throws {
        let value = try JSONParser.parse(c.input)
        #expect(value == c.expected)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        let input: [UInt8]
        let offset: Int
        let name: String
        init(_ text: String, at offset: Int) {
            input = Array(text.utf8)
            self.offset = offset
            name = text
        }
        init(bytes: [UInt8], at offset: Int, _ name: String) {
            input = bytes
            self.offset = offset
            self.name = name
        }
        var testDescription: String { name }
    }

    static let quote = UInt8(ascii: "\"")

    static let invalid: [Invalid] = [
        Invalid("", at: 0),
        Invalid("   ", at: 3),
        Invalid(#"{"a":1"#, at: 6),
        Invalid(#"{"a":"#, at: 5),
        Invalid("[", at: 1),
        Invalid(#""abc"#, at: 4),
        Invalid("[1,2,]", at: 5),
        Invalid(#"{"a":1,}"#, at: 7),
        Invalid(#"{"a" 1}"#, at: 5),
        Invalid("{a:1}", at: 1),
        Invalid("[1 2]", at: 3),
        Invalid("01", at: 1),
        Invalid("[-01]", at: 3),
        Invalid("+1", at: 0),
        Invalid(".5", at: 0),
        Invalid("1.", at: 2),
        Invalid("1.e5", at: 2),
        Invalid("-", at: 1),
        Invalid("1e", at: 2),
        Invalid("1e+", at: 3),
        Invalid("0x10", at: 1),
        Invalid("NaN", at: 0),
        Invalid("Infinity", at: 0),
        Invalid("-Infinity", at: 1),
        Invalid("tru", at: 3),
        Invalid("trUe", at: 2),
        Invalid("nul", at: 3),
        Invalid("True", at: 0),
        Invalid("'a'", at: 0),
        Invalid(#""\x""#, at: 1),
        Invalid(#""\u12G4""#, at: 5),
        Invalid(#""\u12"#, at: 5),
        Invalid(#""\ud800""#, at: 1),
        Invalid(#""x\udc00""#, at: 2),
        Invalid(#""\ud800\u0041""#, at: 1),
        Invalid(#""\ud800\ud800""#, at: 1),
        Invalid("[1] x", at: 4),
        Invalid("{} {}", at: 3),
        Invalid("1 2", at: 2),
        Invalid(#"{"a":1}}"#, at: 7),
        Invalid("[1]\u{0}", at: 3),
        Invalid(bytes: [quote, 0x61, 0x01, quote], at: 2, "raw U+0001 in string"),
        Invalid(bytes: [quote, 0x0A, quote], at: 1, "raw line feed in string"),
        Invalid(bytes: [quote, 0x1F, quote], at: 1, "raw U+001F in string"),
        Invalid(bytes: [quote, 0x80, quote], at: 1, "lone continuation byte"),
        Invalid(bytes: [quote, 0xC0, 0x80, quote], at: 1, "overlong 2-byte C0 80"),
        Invalid(bytes: [quote, 0xC1, 0xBF, quote], at: 1, "overlong 2-byte C1 BF"),
        Invalid(bytes: [quote, 0xE0, 0x80, 0xAF, quote], at: 1, "overlong 3-byte E0 80 AF"),
        Invalid(bytes: [quote, 0xF0, 0x80, 0x80, 0xAF, quote], at: 1, "overlong 4-byte F0 80 80 AF"),
        Invalid(bytes: [quote, 0xED, 0xA0, 0x80, quote], at: 1, "UTF-8 encoded surrogate U+D800"),
        Invalid(bytes: [quote, 0xED, 0xBF, 0xBF, quote], at: 1, "UTF-8 encoded surrogate U+DFFF"),
        Invalid(bytes: [quote, 0xF4, 0x90, 0x80, 0x80, quote], at: 1, "beyond U+10FFFF"),
        Invalid(bytes: [quote, 0xF5, 0x80, 0x80, 0x80, quote], at: 1, "lead byte F5"),
        Invalid(bytes: [quote, 0xFF, quote], at: 1, "byte FF"),
        Invalid(bytes: [quote, 0x61, 0xE2, 0x82, quote], at: 2, "truncated 3-byte sequence before quote"),
        Invalid(bytes: [quote, 0xE2, 0x82], at: 1, "3-byte sequence cut by end of input"),
        Invalid(bytes: [quote, 0xF0, 0x9F, 0x98], at: 1, "4-byte sequence cut by end of input"),
        Invalid(bytes: [quote, 0xC3, 0x41, quote], at: 1, "2-byte sequence with ASCII continuation"),
        Invalid(bytes: [0xEF, 0xBB, 0xBF, UInt8(ascii: "{"), UInt8(ascii: "}")], at: 0, "byte order mark"),
        Invalid(bytes: Array("{\"k\":\"abcdefghijklmnopqrstu".utf8) + [0xFF] + Array("\"}".utf8), at: 27,
                "invalid byte after a long ASCII run (word-at-a-time path)"),
        Invalid(bytes: Array(repeating: UInt8(ascii: "["), count: 513) + Array(repeating: UInt8(ascii: "]"), count: 513),
                at: 512, "513 nested arrays"),
        Invalid(bytes: Array(repeating: UInt8(ascii: "{"), count: 1).flatMap { _ in Array(String(repeating: "{\"a\":", count: 513).utf8) },
                at: 2560, "513 nested objects"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidDocumentAtOffset(_ c: Invalid) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(c.input) }
        do {
            _ = try JSONParser.parse(c.input)
        } catch {
            #expect(error.offset == c.offset, "\(error.description)")
        }
    }

    @Test func errorDescriptionNamesTheByteAndTheProblem() {
        do {
            _ = try JSONParser.parse(Array(#"{"kind": "Pod", "spec" 1}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "invalid JSON at byte 23: expected ':' after object key")
        }
    }

    @Test func tenThousandDeepIsRejectedQuicklyWithoutRecursion() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 10_000) + Array(repeating: UInt8(ascii: "]"), count: 10_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: JSONParseError(offset: 512, message: "nesting deeper than 512 levels")) { try JSONParser.parse(deep) }
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func depthLimitIsConfigurable() throws {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("[[[[]]]]".utf8), maxDepth: 3) }
        #expect(try JSONParser.parse(Array("[[[]]]".utf8), maxDepth: 3) == [[[]]])
        // A caller's limit above the ceiling is held at the ceiling: values are destroyed,
        // compared and written recursively, so their depth must stay bounded.
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: JSONParseError(offset: JSONParser.depthCeiling, message: "nesting deeper than \(JSONParser.depthCeiling) levels")) {
            try JSONParser.parse(deep, maxDepth: .max)
        }
    }

    @Test func duplicateKeysLastValueWinsAtFirstPosition() throws {
        let value = try JSONParser.parse(Array(#"{"a":1,"b":2,"a":{"x":true}}"#.utf8))
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == ["x": true])
        #expect(value.jsonString == #"{"a":{"x":true},"b":2}"#)
    }

    @Test func duplicateKeysInALargeObjectUseTheHashedPath() throws {
        var text = "{"
        for n in 0..<40 { text += "\"k\(n)\":\(n)," }
        text += "\"k7\":\"last\"}"
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == 40)
        #expect(object["k7"] == "last")
        #expect(object.keys[7] == "k7")
        #expect(object["k39"] == 39)
    }

    @Test func keysDifferingOnlyInUnicodeNormalisationStayDistinct() throws {
        let value = try JSONParser.parse(Array(#"{"\u00e9":1,"e\u0301":2}"#.utf8))
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{e9}"] == 1)
        #expect(value["e\u{301}"] == 2)
        #expect(JSONValue.string("\u{e9}") != JSONValue.string("e\u{301}"))
    }

    @Test func numbersKeepTheirSourceText() throws {
        let value = try JSONParser.parse(Array("[1e400,0.50,-0,100,9223372036854775808,-9223372036854775808,1.5e2,0.5]".utf8))
        let numbers = (value.arrayValue ?? []).compactMap { $0.numberValue }
        try #require(numbers.count == 8)
        #expect(numbers.map(\.text) == ["1e400", "0.50", "-0", "100", "9223372036854775808", "-9223372036854775808", "1.5e2", "0.5"])
        #expect(numbers[0].doubleValue == .infinity)
        #expect(numbers[0].int64Value == nil)
        #expect(numbers[1].doubleValue == 0.5)
        #expect(numbers[2].int64Value == 0)
        #expect(numbers[3].int64Value == 100)
        #expect(numbers[4].int64Value == nil)
        #expect(numbers[5].int64Value == .min)
        #expect(numbers[6].int64Value == 150)
        #expect(numbers[7].int64Value == nil)
        #expect(value.jsonString == "[1e400,0.50,-0,100,9223372036854775808,-9223372036854775808,1.5e2,0.5]")
    }

    @Test func numbersCompareNumericallyOnlyOnRequest() {
        let one = JSONNumber(unchecked: "1"), oneDotZero = JSONNumber(unchecked: "1.0"), tenEMinus1 = JSONNumber(unchecked: "10e-1")
        #expect(one != oneDotZero)
        #expect(one.isNumericallyEqual(to: oneDotZero))
        #expect(one.isNumericallyEqual(to: tenEMinus1))
        #expect(JSONNumber(unchecked: "-0").isNumericallyEqual(to: JSONNumber(unchecked: "0.000")))
        #expect(!one.isNumericallyEqual(to: JSONNumber(unchecked: "-1")))
        #expect(!JSONNumber(unchecked: "1e400").isNumericallyEqual(to: JSONNumber(unchecked: "1e401")))
        #expect(JSONNumber(text: "+1") == nil)
        #expect(JSONNumber(text: "1.") == nil)
        #expect(JSONNumber(text: "-0.5E-3")?.text == "-0.5E-3")
        #expect(JSONNumber(2.5)?.text == "2.5")
        #expect(JSONNumber(3.0)?.text == "3")
        #expect(JSONNumber(Double.nan) == nil)
    }

    @Test func parsesFromEveryInputForm() throws {
        let text = #"{"a":[1,"x"]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = ["a": [1, "x"]]
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(bytes[...]) == expected)
        #expect(try bytes.withUnsafeBytes { raw in try JSONParser.parse(raw) } == expected)
        #expect(try JSONParser.parse(Array(text.utf8).lazy.map { $0 }) == expected)  // non-contiguous collection
    }

    @Test func accessorsWalkObjectsAndArrays() throws {
        let review = try JSONParser.parse(#"{"request":{"object":{"spec":{"containers":[{"name":"app"}]}},"dryRun":false}}"#)
        #expect(review["request", "object", "spec", "containers", "0", "name"]?.stringValue == "app")
        #expect(review["request", "dryRun"]?.boolValue == false)
        #expect(review["request", "object", "spec", "containers", "1"] == nil)
        #expect(review["request", "object", "spec", "containers", "01"] == nil)
        #expect(review["request", "missing", "x"] == nil)
        #expect(review["request"]?.objectValue?.keys == ["object", "dryRun"])
        #expect(review["request", "object", "spec", "containers"]?.arrayValue?.count == 1)
    }
}

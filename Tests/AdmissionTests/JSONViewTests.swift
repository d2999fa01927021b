// JSONView against JSONValue: the in-place reader must answer exactly as the parsed tree does.
import Foundation
import Testing
@testable import Admission

/// Differential and table tests of `JSONDocument`/`JSONView`. Owned by the test suite; any Swift
/// Testing thread; reads the fixture files.
///
/// The reference is the `JSONValue` that `JSONParser.parse` returns for the same bytes. As that
/// value is built from the same tape, duplicate-key handling is also checked against values built
/// independently (`JSONObject`'s `set`: last value, first position) by `RepeatedKeyGenerator`.
struct JSONViewTests {
    // MARK: - The walker

    static func kind(of value: JSONValue) -> JSONView.Kind {
        switch value {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    static func bytes(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }

    /// Nil when `view` answers every question exactly as `value` does, at this node and every
    /// node below; otherwise the path to the first disagreement and what it is.
    static func difference(_ view: JSONView, _ value: JSONValue, at path: String = "$") -> String? {
        func fail(_ what: String) -> String { "\(path): \(what)" }

        guard view.kind == kind(of: value) else { return fail("kind \(view.kind) vs \(kind(of: value))") }
        guard view.isNull == value.isNull else { return fail("isNull") }
        guard view.isObject == (value.objectValue != nil) else { return fail("isObject") }
        guard view.isArray == (value.arrayValue != nil) else { return fail("isArray") }
        guard view.boolValue == value.boolValue else { return fail("boolValue \(String(describing: view.boolValue))") }
        guard view.numberValue == value.numberValue else { return fail("numberValue \(String(describing: view.numberValue))") }
        guard bytes(view.stringValue) == bytes(value.stringValue) else {
            return fail("stringValue \(view.stringValue.debugDescription) vs \(value.stringValue.debugDescription)")
        }
        let materialized = view.materialized()
        guard materialized == value else { return fail("materialized() differs") }
        guard materialized.serialized() == value.serialized() else { return fail("materialized() written differently (order or text)") }
        guard view.equals(value) else { return fail("equals(value) is false") }
        if !value.isNull, view.equals(.null) { return fail("equals(null) is true") }
        if value.stringValue == nil, view.equals(.string("")) { return fail("equals(\"\") is true for a non-string") }

        // Wrong-kind answers.
        if value.objectValue == nil {
            guard view.members.isEmpty else { return fail("members of a non-object") }
            let pair = view.members("k0", "")
            guard pair.0 == nil, pair.1 == nil else { return fail("members(_:_:) of a non-object") }
            guard view["k0"] == nil, view[path: ["k0"]] == nil else { return fail("key lookup in a non-object") }
        }
        if value.arrayValue == nil {
            guard view.elements.isEmpty else { return fail("elements of a non-array") }
            guard view.firstElement == nil else { return fail("firstElement of a non-array") }
            guard view[0] == nil else { return fail("index lookup in a non-array") }
        }

        switch value {
        case .array(let array):
            guard view.count == array.count else { return fail("count \(view.count) vs \(array.count)") }
            let elements = view.elements
            guard elements.count == array.count else { return fail("elements.count \(elements.count) vs \(array.count)") }
            for (i, element) in array.enumerated() {
                guard let byIndex = view[i] else { return fail("[\(i)] missing") }
                guard byIndex.index == elements[i].index else { return fail("[\(i)] and elements[\(i)] differ") }
                guard view[path: [String(i)]]?.index == byIndex.index else { return fail("[path: \"\(i)\"] differs") }
                if let d = difference(byIndex, element, at: "\(path)[\(i)]") { return d }
            }
            // firstElement/element(after:) visit the same elements, then stop.
            var walked: [Int] = []
            var next = view.firstElement
            while let element = next, walked.count <= array.count {
                walked.append(element.index)
                next = view.element(after: element)
            }
            guard walked == elements.map(\.index) else { return fail("firstElement/element(after:) walked \(walked)") }
            guard view.element(after: view) == nil else { return fail("element(after:) the array itself") }
            guard view[array.count] == nil, view[-1] == nil else { return fail("out-of-range index found") }
            guard view[path: [String(array.count)]] == nil else { return fail("out-of-range path index found") }
        case .object(let object):
            guard view.count == object.count else { return fail("count \(view.count) vs \(object.count)") }
            let members = view.members
            guard members.count == object.count else { return fail("members.count \(members.count) vs \(object.count)") }
            for (i, member) in members.enumerated() {
                let expected = object.members[i]
                guard utf8Equal(member.key, expected.key) else {
                    return fail("member \(i) key \(member.key.debugDescription) vs \(expected.key.debugDescription)")
                }
                guard let byKey = view[member.key] else { return fail("[\(member.key.debugDescription)] missing") }
                guard byKey.index == member.value.index else { return fail("[\(member.key.debugDescription)] is not members[\(i)].value") }
                guard view[path: [member.key]]?.index == byKey.index else { return fail("[path: \(member.key.debugDescription)] differs") }
                if let d = difference(byKey, expected.value, at: "\(path).\(member.key.debugDescription)") { return d }
            }
            for absent in ["\u{1}absent", "", "k0", "é", "e\u{301}"] where object[absent] == nil {
                guard view[absent] == nil else { return fail("absent key \(absent.debugDescription) found") }
            }
            // `members(_:_:)` answers as two lookups, for every pair of keys (each with itself,
            // in both orders) and with an absent key on either side.
            let keys = members.map(\.key) + ["\u{1}absent"]
            for first in keys.prefix(6) {
                for second in keys.suffix(6) {
                    let pair = view.members(first, second)
                    guard pair.0?.index == view[first]?.index, pair.1?.index == view[second]?.index else {
                        return fail("members(\(first.debugDescription), \(second.debugDescription)) differs from two lookups")
                    }
                }
            }
        default:
            guard view.count == 0 else { return fail("count \(view.count) of a scalar") }
        }
        return nil
    }

    static func document(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Result<JSONDocument, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONDocument(parsing: bytes, maxDepth: maxDepth) }
    }

    static func parsed(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONParser.parse(bytes, maxDepth: maxDepth) }
    }

    /// Parses `bytes` both ways and records any disagreement: same error (offset and message), or
    /// a view that agrees with the value everywhere. Returns whether the input was accepted.
    @discardableResult
    static func compare(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth, name: String,
                        sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        switch (parsed(bytes, maxDepth: maxDepth), document(bytes, maxDepth: maxDepth)) {
        case (.success(let value), .success(let document)):
            if let d = difference(document.root, value) {
                Issue.record("\(name): view disagrees at \(d)", sourceLocation: sourceLocation)
            }
            if !(document.bytes == bytes) { Issue.record("\(name): document does not keep its input", sourceLocation: sourceLocation) }
            return true
        case (.failure(let a), .failure(let b)):
            #expect(a == b, "\(name): parse throws \(a), JSONDocument throws \(b)", sourceLocation: sourceLocation)
            return false
        case (.success, .failure(let error)):
            Issue.record("\(name): parse accepts, JSONDocument throws \(error)", sourceLocation: sourceLocation)
            return false
        case (.failure(let error), .success):
            Issue.record("\(name): parse throws \(error), JSONDocument accepts", sourceLocation: sourceLocation)
            return false
        }
    }

    static func root(_ text: String) throws -> JSONView {
        try JSONDocument(parsing: Array(text.utf8)).root
    }

    // MARK: - 1. Differential

    @Test(arguments: [UInt64(0x5EED_1234), 0xC0FF_EE42, 0x0DDB_A115, 0x7E57_7A9E])
    func viewAgreesWithParsedValueOnGeneratedDocuments(seed: UInt64) {
        var generator = JSONTextGenerator(seed: seed)
        var accepted = 0, rejected = 0
        for n in 0..<1000 {
            let document = generator.document(mutate: n % 3 == 2)
            let name = "seed \(seed) document \(n) \(String(decoding: document.prefix(200), as: UTF8.self).debugDescription)"
            if Self.compare(document, name: name) { accepted += 1 } else { rejected += 1 }
            // A small depth limit makes the depth error reachable on the same inputs.
            Self.compare(document, maxDepth: 2, name: name + " (maxDepth 2)")
            // And a view of the built value answers as the value does.
            if case .success(let value) = Self.parsed(document), let d = Self.difference(JSONView(value), value) {
                Issue.record("\(name): JSONView(value) disagrees at \(d)")
            }
        }
        #expect(accepted > 550, "accepted \(accepted)")
        #expect(rejected > 150, "rejected \(rejected)")
    }

    @Test func viewAgreesWithParsedValueOnFixtures() throws {
        let directory = Fixtures.json
        let top = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.map { directory + "/" + $0 }
        let regressions = try FileManager.default.contentsOfDirectory(atPath: directory + "/regressions")
            .filter { !$0.hasPrefix(".") }.map { directory + "/regressions/" + $0 }
        let files = (top + regressions).sorted()
        #expect(files.count >= 20)
        var accepted = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let ok = Self.compare(bytes, name: file)
            if ok { accepted += 1 }
            #expect(ok == !file.contains("/reject-"), "\(file)")
        }
        #expect(accepted >= 15)
    }

    @Test func viewAgreesWithAnIndependentModelOnRepeatedKeys() throws {
        var generator = RepeatedKeyGenerator(seed: 0xD0_0B1E)
        var withDuplicates = 0
        for n in 0..<2000 {
            let (text, expected) = generator.object(depth: 0)
            let bytes = Array(text.utf8)
            let value = try JSONParser.parse(bytes)
            #expect(value == expected, "document \(n): \(text.prefix(200).debugDescription)")
            #expect(value.serialized() == expected.serialized(), "document \(n) order: \(text.prefix(200).debugDescription)")
            let document = try JSONDocument(parsing: bytes)
            if let d = Self.difference(document.root, expected) {
                Issue.record("document \(n) \(text.prefix(200).debugDescription): view disagrees with the model at \(d)")
            }
            if document.root.hasDuplicateKeys { withDuplicates += 1 }
        }
        #expect(withDuplicates > 500, "top-level objects with a repeated key: \(withDuplicates)")
    }

    /// The walk readers use, by an independent model: step by step through `JSONValue`s.
    static func modelWalk(_ value: JSONValue, _ path: [String]) -> (found: JSONValue?, notObjectAt: Int?) {
        var current = value
        for (depth, key) in path.enumerated() {
            switch current {
            case .object(let object):
                guard let next = object[key], !next.isNull else { return (nil, nil) }
                current = next
            case .null: return (nil, nil)
            default: return (nil, depth)
            }
        }
        return (current, nil)
    }

    @Test func walkAndForEachMemberAgreeWithAnIndependentModel() throws {
        var generator = RepeatedKeyGenerator(seed: 0x3A1C_0FF5)
        var random = SeededGenerator(seed: 0x77)
        var found = 0, absent = 0, notObject = 0
        for n in 0..<1500 {
            let (text, expected) = generator.object(depth: 0)
            let root = try JSONDocument(parsing: Array(text.utf8)).root
            // Paths through keys that exist (and one that may not) in the model.
            for _ in 0..<8 {
                var path: [String] = []
                var current = expected
                while path.count < 4, case .object(let object) = current, object.count > 0 {
                    let member = object[Int(random.next() % UInt64(object.count))]
                    path.append(random.next() % 6 == 0 ? member.key + "x" : member.key)
                    current = member.value
                }
                if random.next() % 4 == 0 { path.append("a") }
                let model = Self.modelWalk(expected, path)
                // The laid-out path walks to the same place.
                switch (root.walk(path), root.walk(JSONPath(path))) {
                case (.found(let a), .found(let b)): #expect(a.index == b.index, "document \(n) path \(path): JSONPath walk")
                case (.absent, .absent): break
                case (.notObject(let a), .notObject(let b)): #expect(a == b, "document \(n) path \(path): JSONPath walk")
                default: Issue.record("document \(n) path \(path): the JSONPath walk ends elsewhere")
                }
                switch root.walk(path) {
                case .found(let view):
                    found += 1
                    #expect(model.found.map { view.materialized() == $0 } == true, "document \(n) path \(path): found, model \(model)")
                case .absent:
                    absent += 1
                    #expect(model.found == nil && model.notObjectAt == nil, "document \(n) path \(path): absent, model \(model)")
                case .notObject(let depth):
                    notObject += 1
                    #expect(model.notObjectAt == depth, "document \(n) path \(path): not an object at \(depth), model \(model)")
                }
            }
            // forEachMember, keeping the last value per key, gives the model's members.
            var last: [[UInt8]: JSONValue] = [:]
            var order: [[UInt8]] = []
            root.forEachMember { key, value in
                let bytes = Array(key)
                if last[bytes] == nil { order.append(bytes) }
                last[bytes] = value.materialized()
            }
            guard case .object(let object) = expected else { continue }
            #expect(order == object.members.map { Array($0.key.utf8) }, "document \(n): member order")
            for member in object.members {
                #expect(last[Array(member.key.utf8)] == member.value, "document \(n): member \(member.key.debugDescription)")
            }
        }
        #expect(found > 1000 && absent > 1000 && notObject > 300, "found \(found), absent \(absent), not an object \(notObject)")
    }

    // MARK: - 2. Duplicate keys on the three detection paths

    /// Asserts the duplicate semantics for `text`: flagged, `key` gives `last`, `members` has
    /// `keys` in that order with `key` at `position`, and the view matches `expected` and the parse.
    static func checkRepeated(_ text: String, key: String, last: JSONValue, position: Int, keys: [String], expected: JSONValue,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try JSONDocument(parsing: Array(text.utf8))
        let root = document.root
        #expect(document.root.hasDuplicateKeys, "duplicate not detected", sourceLocation: sourceLocation)
        #expect(root[key]?.equals(last) == true, sourceLocation: sourceLocation)
        let members = root.members
        #expect(members.map { Array($0.key.utf8) } == keys.map { Array($0.utf8) }, sourceLocation: sourceLocation)
        #expect(members.count == keys.count && members[position].value.equals(last), sourceLocation: sourceLocation)
        #expect(root.count == keys.count, "count \(root.count)", sourceLocation: sourceLocation)
        let parsed = try JSONParser.parse(text)
        #expect(root.materialized() == parsed, sourceLocation: sourceLocation)
        #expect(parsed == expected, sourceLocation: sourceLocation)
        #expect(root.materialized().serialized() == expected.serialized(), sourceLocation: sourceLocation)
        #expect(difference(root, expected) == nil, "\(difference(root, expected) ?? "")", sourceLocation: sourceLocation)
    }

    @Test func repeatedKeyInASmallObject() throws {
        try Self.checkRepeated(#"{"a":1,"b":2,"a":{"x":true}}"#, key: "a", last: ["x": true], position: 0, keys: ["a", "b"],
                               expected: .object(JSONObject([("a", ["x": true]), ("b", 2)])))
        try Self.checkRepeated(#"{"a":1,"a":2,"a":3}"#, key: "a", last: 3, position: 0, keys: ["a"], expected: ["a": 3])
        try Self.checkRepeated(#"{"":1,"x":null,"":[]}"#, key: "", last: [], position: 0, keys: ["", "x"],
                               expected: .object(JSONObject([("", []), ("x", nil)])))
        let root = try Self.root(#"{"a":1,"b":2,"a":3}"#)
        #expect(root["b"]?.equals(2) == true)
        #expect(root.materialized().jsonString == #"{"a":3,"b":2}"#)
    }

    @Test func repeatedKeyInAnObjectOfMoreThan32Members() throws {
        // 40 unescaped keys: the hashed raw-bytes path. "k3" is repeated at the very end.
        var text = "{"
        var pairs: [(String, JSONValue)] = []
        for n in 0..<40 {
            text += "\"k\(n)\":\(n),"
            pairs.append(("k\(n)", .number(JSONNumber(n))))
        }
        text += #""k3":"last"}"#
        pairs[3].1 = "last"
        try Self.checkRepeated(text, key: "k3", last: "last", position: 3, keys: pairs.map(\.0), expected: .object(JSONObject(pairs)))
        let root = try Self.root(text)
        #expect(root["k39"]?.equals(39) == true)
        #expect(root["k0"]?.equals(0) == true)

        // The first and the last of 41 members, all keys of equal length.
        var same = "{"
        for n in 0..<40 { same += "\"k\(n + 10)\":\(n)," }
        same += #""k10":true}"#
        let first = try Self.root(same)
        #expect(first.count == 40)
        #expect(first["k10"]?.boolValue == true)
        #expect(first.members.first?.key == "k10")
        #expect(first.members.first?.value.boolValue == true)
    }

    @Test func repeatedKeyWrittenWithAndWithoutAnEscape() throws {
        try Self.checkRepeated(#"{"a":1,"\u0061":2}"#, key: "a", last: 2, position: 0, keys: ["a"], expected: ["a": 2])
        try Self.checkRepeated(#"{"\u0061":1,"a":2}"#, key: "a", last: 2, position: 0, keys: ["a"], expected: ["a": 2])
        try Self.checkRepeated(#"{"é":1,"b":0,"\u00e9":2}"#, key: "\u{e9}", last: 2, position: 0, keys: ["\u{e9}", "b"],
                               expected: .object(JSONObject([("\u{e9}", 2), ("b", 0)])))
        try Self.checkRepeated(#"{"😀":1,"\uD83D\uDE00":2}"#, key: "😀", last: 2, position: 0, keys: ["😀"], expected: ["😀": 2])
        try Self.checkRepeated(#"{"a\"b":1,"a\u0022b":2}"#, key: "a\"b", last: 2, position: 0, keys: ["a\"b"], expected: ["a\"b": 2])

        // More than 32 members with one escaped key: the decoded-bytes path.
        var text = "{"
        var pairs: [(String, JSONValue)] = []
        for n in 0..<40 {
            text += "\"k\(n)\":\(n),"
            pairs.append(("k\(n)", .number(JSONNumber(n))))
        }
        text += #""\u006b5":"escaped"}"#
        pairs[5].1 = "escaped"
        try Self.checkRepeated(text, key: "k5", last: "escaped", position: 5, keys: pairs.map(\.0), expected: .object(JSONObject(pairs)))
    }

    @Test func distinctKeysAreNotTakenForDuplicates() throws {
        func checkDistinct(_ text: String, _ keys: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let document = try JSONDocument(parsing: Array(text.utf8))
            let root = document.root
            #expect(!document.root.hasDuplicateKeys, "false duplicate in \(text.prefix(80))", sourceLocation: sourceLocation)
            #expect(root.count == keys.count, sourceLocation: sourceLocation)
            #expect(root.members.map { Array($0.key.utf8) } == keys.map { Array($0.utf8) }, sourceLocation: sourceLocation)
            for (n, key) in keys.enumerated() {
                #expect(root[key]?.numberValue?.int64Value == Int64(n), "\(key.debugDescription)", sourceLocation: sourceLocation)
            }
            #expect(Self.difference(root, try JSONParser.parse(text)) == nil, sourceLocation: sourceLocation)
        }
        // Equal lengths, pairwise path.
        try checkDistinct(#"{"ab":0,"ba":1,"aa":2,"bb":3,"":4}"#, ["ab", "ba", "aa", "bb", ""])
        // Canonically equivalent but different bytes, raw and escaped.
        try checkDistinct("{\"\u{e9}\":0,\"e\u{301}\":1}", ["\u{e9}", "e\u{301}"])
        try checkDistinct(#"{"\u00e9":0,"e\u0301":1}"#, ["\u{e9}", "e\u{301}"])
        try checkDistinct("{\"\u{e9}\":0,\"e\\u0301\":1}", ["\u{e9}", "e\u{301}"])  // mixed: decoded path
        // 40 keys of equal length: hashed raw path; with one escaped key: decoded path.
        let forty = (0..<40).map { "k\($0 + 10)" }
        try checkDistinct("{" + forty.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}", forty)
        try checkDistinct("{" + forty.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + #","\u00e9":40}"#, forty + ["\u{e9}"])
        // 1,000 distinct keys, unescaped and all escaped.
        let thousand = (0..<1000).map { "key-\($0)" }
        try checkDistinct("{" + thousand.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}", thousand)
        try checkDistinct("{" + thousand.enumerated().map { #""\u006bey-\#($1.dropFirst(4))":\#($0)"# }.joined(separator: ",") + "}", thousand)
    }

    // MARK: - 3. Escaped keys and values

    @Test func lookupUsesTheDecodedKey() throws {
        let root = try Self.root(#"{"a\"b":1,"\u00e9":2,"\uD83D\uDE00":3,"\/":4,"\\":5,"\u0000":6,"tab\there":7,"𝄞":8}"#)
        #expect(root["a\"b"]?.equals(1) == true)
        #expect(root[#"a\"b"#] == nil)
        #expect(root["\u{e9}"]?.equals(2) == true)
        #expect(root["e\u{301}"] == nil)
        #expect(root[#"\u00e9"#] == nil)
        #expect(root["😀"]?.equals(3) == true)
        #expect(root["\u{1F600}"]?.equals(3) == true)
        #expect(root["/"]?.equals(4) == true)
        #expect(root["\\"]?.equals(5) == true)
        #expect(root["\u{0}"]?.equals(6) == true)
        #expect(root["tab\there"]?.equals(7) == true)
        #expect(root[#"\uD834\uDD1E"#] == nil)
        #expect(root["\u{1D11E}"]?.equals(8) == true)
        #expect(root.members.map { Array($0.key.utf8) } == ["a\"b", "\u{e9}", "😀", "/", "\\", "\u{0}", "tab\there", "𝄞"].map { Array($0.utf8) })

        let nfd = try Self.root(#"{"e\u0301":1}"#)
        #expect(nfd["e\u{301}"]?.equals(1) == true)
        #expect(nfd["\u{e9}"] == nil)
    }

    @Test func stringValueDecodesEscapes() throws {
        let root = try Self.root(#"["a\nb\t\"\\\/\b\f\r", "\u00e9\u00C9\u4E2D", "\uD834\uDD1E\ud83d\ude00", "\u0000\u001f", "plain", "", "é😀"]"#)
        let expected = ["a\nb\t\"\\/\u{8}\u{c}\r", "éÉ中", "𝄞😀", "\u{0}\u{1f}", "plain", "", "é😀"]
        #expect(root.elements.map { Self.bytes($0.stringValue) } == expected.map { Self.bytes($0) })
        for (n, text) in expected.enumerated() {
            let element = try #require(root[n])
            #expect(element.equals(.string(text)))
            #expect(!element.equals(.string(text + "x")))
        }
        let e = try #require(root[1])
        #expect(!e.equals(.string("e\u{301}É中")), "compared by bytes, not canonical equivalence")
        #expect(try Self.root(#""\u00e9""#).equals(.string("\u{e9}")))
        #expect(try !Self.root(#""\u00e9""#).equals(.string("e\u{301}")))
        #expect(try Self.root("1").stringValue == nil)
    }

    // MARK: - 4. Paths, indexes, counts, wrong kinds

    @Test func pathSubscriptsWalkArraysByDecimalIndex() throws {
        let items = (0..<11).map { "{\"name\":\"a\($0)\"}" }.joined(separator: ",")
        let text = #"{"items":["# + items + #"],"m":{"0":"zero","01":"one","-1":"minus"},"s":"x"}"#
        let root = try Self.root(text)
        let value = try JSONParser.parse(text)
        #expect(root["items", "0", "name"]?.stringValue == "a0")
        #expect(root["items", "10", "name"]?.stringValue == "a10")
        #expect(root[path: ["items", "7", "name"]]?.stringValue == "a7")
        for bad in ["01", "-1", "11", "", "+1", " 1", "1 ", "1e0", "0x1", "99999999999999999999999", "name"] {
            #expect(root["items", bad] == nil, "\(bad.debugDescription)")
            #expect(value["items", bad] == nil, "\(bad.debugDescription)")
        }
        // In an object, digits are keys, not indexes.
        #expect(root["m", "0"]?.stringValue == "zero")
        #expect(root["m", "01"]?.stringValue == "one")
        #expect(root["m", "-1"]?.stringValue == "minus")
        #expect(root["m", "1"] == nil)
        // Through a scalar, or missing on the way.
        #expect(root["s", "0"] == nil)
        #expect(root["items", "0", "name", "x"] == nil)
        #expect(root["missing", "0"] == nil)
        #expect(root[path: []]?.isObject == true)
        // Every path agrees with JSONValue's.
        for path in [["items"], ["items", "3"], ["items", "3", "name"], ["m", "01"], ["s"], ["s", "x"], ["items", "11"], ["m", "0", "x"]] {
            let viewed = root[path: path]?.materialized()
            #expect(viewed == value[path: path], "\(path)")
        }
    }

    @Test func integerSubscriptIsBoundsChecked() throws {
        let array = try Self.root(#"[10,[20],{"a":30}]"#)
        #expect(array[0]?.equals(10) == true)
        #expect(array[1]?[0]?.equals(20) == true)
        #expect(array[2]?["a"]?.equals(30) == true)
        #expect(array[3] == nil)
        #expect(array[-1] == nil)
        #expect(array[Int.max] == nil)
        #expect(array[Int.min] == nil)
        #expect(try Self.root("[]")[0] == nil)
        #expect(try Self.root(#"{"0":1}"#)[0] == nil)
        #expect(try Self.root(#""abc""#)[0] == nil)
    }

    @Test(arguments: ["null", "true", "false", "0", "-1.5e3", #""""#, #""abc""#, #""\u00e9""#, "{}", "[]"])
    func scalarsAndEmptyContainersHaveNothingInside(_ text: String) throws {
        let root = try Self.root(text)
        #expect(root.count == 0)
        #expect(root.elements.isEmpty)
        #expect(root.members.isEmpty)
        #expect(root["a"] == nil)
        #expect(root[""] == nil)
        #expect(root[0] == nil)
        #expect(root["a", "b"] == nil)
        #expect(Self.difference(root, try JSONParser.parse(text)) == nil)
    }

    @Test func elementsAndMembersAreEmptyForTheOtherContainer() throws {
        let object = try Self.root(#"{"a":[1,2]}"#)
        #expect(object.elements.isEmpty)
        #expect(object.count == 1)
        let array = try Self.root(#"[{"a":1},2]"#)
        #expect(array.members.isEmpty)
        #expect(array["a"] == nil)
        #expect(array.count == 2)
    }

    // MARK: - 5. JSONView(JSONValue)

    static func nested(_ depth: Int, object: Bool) -> JSONValue {
        var value: JSONValue = object ? .object(JSONObject()) : .array([])
        for n in 0..<(depth - 1) { value = object ? .object(JSONObject([("a", value)])) : .array([value, .number(JSONNumber(n))]) }
        return value
    }

    @Test func viewOfABuiltValueAnswersAsTheValue() {
        let values: [JSONValue] = [
            .null, true, false, 0, .number(JSONNumber(unchecked: "1e400")), .number(JSONNumber(unchecked: "-0.50")),
            "", "plain", "q\" b\\ /slash é 😀 \u{0}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}\u{2028}", "e\u{301}",
            [], [:], [[]], [[:]], ["": [:]], ["": ""],
            .object(JSONObject([("z", 1), ("a", [true, false, nil]), ("m", ["": ""])])),
            .object(JSONObject([("\u{e9}", 1), ("e\u{301}", 2), ("a\"b\n", 3), ("😀", [["x": [1, "y"]]])])),
            .object(JSONObject((0..<100).map { ("key\($0)", .number(JSONNumber($0))) })),
            .array((0..<100).map { .string("s\($0)") }),
        ]
        for value in values {
            let view = JSONView(value)
            #expect(Self.difference(view, value) == nil, "\(value.jsonString): \(Self.difference(view, value) ?? "")")
            #expect(view.document.bytes == value.serialized())
        }
    }

    @Test(arguments: [false, true])
    func viewOfADeepValueUpToTheDepthCeiling(object: Bool) throws {
        let ceiling = JSONParser.depthCeiling
        let deepest = Self.nested(ceiling, object: object)
        let view = JSONView(deepest)
        #expect(view.kind == (object ? .object : .array))
        #expect(view.materialized() == deepest)
        #expect(view.equals(deepest))
        #expect(view.document.bytes == deepest.serialized())
        // Walk down to the innermost container.
        var current = view
        for _ in 0..<(ceiling - 1) {
            let next = object ? current["a"] : current[0]
            current = try #require(next)
            #expect(current.count <= 2)
        }
        #expect(current.count == 0)
        #expect(current.kind == (object ? .object : .array))
        // The same text parsed with the ceiling as limit gives the same view.
        let parsed = try JSONDocument(parsing: deepest.serialized(), maxDepth: ceiling)
        #expect(parsed.root.equals(deepest))
        // One level more cannot be indexed (no parser produces it): documented to read as null.
        let tooDeep = Self.nested(ceiling + 1, object: object)
        #expect(JSONView(tooDeep).isNull)
        #expect(throws: JSONParseError(offset: object ? ceiling * 5 : ceiling, message: "nesting deeper than \(ceiling) levels")) {
            try JSONDocument(parsing: tooDeep.serialized(), maxDepth: .max)
        }
    }

    // MARK: - 6. Large documents

    @Test func aOneMegabyteArrayOfObjectsReadsCorrectly() throws {
        var text = "["
        var count = 0
        while text.utf8.count < 1_000_000 {
            if count > 0 { text += "," }
            text += #"{"id":\#(count),"name":"item-\#(count)","tags":["x","y\u00e9"],"ok":\#(count % 2 == 0),"nested":{"v":\#(count).5,"n":null}}"#
            count += 1
        }
        text += "]"
        let bytes = Array(text.utf8)
        #expect(bytes.count >= 1_000_000)
        let document = try JSONDocument(parsing: bytes)
        let root = document.root
        #expect(root.count == count)
        #expect(root.elements.count == count)
        var random = SeededGenerator(seed: 0x1_0000)
        let spots = [0, 1, count / 2, count - 2, count - 1] + (0..<50).map { _ in Int(random.next() % UInt64(count)) }
        for n in spots {
            let item = try #require(root[n])
            #expect(item.count == 5)
            #expect(item["id"]?.numberValue?.int64Value == Int64(n))
            #expect(item["name"]?.stringValue == "item-\(n)")
            #expect(item["tags", "1"]?.stringValue == "y\u{e9}")
            #expect(item["ok"]?.boolValue == (n % 2 == 0))
            #expect(root[path: [String(n), "nested", "v"]]?.numberValue?.text == "\(n).5")
            #expect(root[String(n), "nested", "n"]?.isNull == true)
            #expect(item.members.map(\.key) == ["id", "name", "tags", "ok", "nested"])
        }
        #expect(root[count] == nil)
        #expect(root.materialized() == (try JSONParser.parse(bytes)))
    }

    @Test func anObjectOf100000UniqueKeysParses() throws {
        let n = 100_000
        var text = "{"
        text.reserveCapacity(n * 24)
        for k in 0..<n {
            if k > 0 { text += "," }
            text += "\"key-\(k)\":\(k)"
        }
        text += "}"
        // Quadratic duplicate detection would show in the fuzz and torture runs, not as a timed test.
        let parsed = try JSONDocument(parsing: Array(text.utf8))
        #expect(!parsed.root.hasDuplicateKeys)
        let root = parsed.root
        #expect(root.count == n)
        let members = root.members
        #expect(members.count == n)
        for k in [0, 1, 31, 32, 33, 4_999, 50_000, n - 1] {
            #expect(root["key-\(k)"]?.numberValue?.int64Value == Int64(k))
            #expect(members[k].key == "key-\(k)")
        }
        #expect(root["key-\(n)"] == nil)
        let value = try JSONParser.parse(text)
        #expect(root.materialized() == value)
        #expect(value.objectValue?.count == n)

        // The same object with its first key repeated at the end: still linear, last value wins.
        text.removeLast()
        text += #","key-0":"last"}"#
        let repeated = try JSONDocument(parsing: Array(text.utf8)).root
        #expect(repeated.count == n)
        #expect(repeated["key-0"]?.stringValue == "last")
        #expect(repeated.members.first?.value.stringValue == "last")
        #expect(repeated.members.count == n)
    }
}

/// Generates objects whose keys repeat (spelled raw and escaped, on all three detection paths),
/// together with the value the parser must give, built independently with `JSONObject`'s `set`
/// (last value, first position). Owned by one test; not shared.
struct RepeatedKeyGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// (JSON string body, decoded key): equal decoded keys spelled differently, plus near misses.
    static let spellings: [(text: String, key: String)] = [
        ("a", "a"), (#"\u0061"#, "a"), ("b", "b"), (#"\u0062"#, "b"), ("ab", "ab"), ("ba", "ba"),
        ("\u{e9}", "\u{e9}"), (#"\u00e9"#, "\u{e9}"), (#"\u00E9"#, "\u{e9}"),
        ("e\u{301}", "e\u{301}"), (#"e\u0301"#, "e\u{301}"),
        (#"a\"b"#, "a\"b"), (#"a\u0022b"#, "a\"b"),
        ("😀", "😀"), (#"\uD83D\uDE00"#, "😀"), (#"\ud83d\ude00"#, "😀"),
        ("", ""), ("/", "/"), (#"\/"#, "/"), (#"\n"#, "\n"), (#"\u000a"#, "\n"),
    ]

    private mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    mutating func value(depth: Int) -> (String, JSONValue) {
        switch depth >= 3 ? 2 + pick(4) : pick(6) {
        case 0: return object(depth: depth)
        case 1:
            var texts: [String] = [], values: [JSONValue] = []
            for _ in 0..<pick(4) {
                let (t, v) = value(depth: depth + 1)
                texts.append(t)
                values.append(v)
            }
            return ("[" + texts.joined(separator: ",") + "]", .array(values))
        case 2:
            let s = Self.spellings[pick(Self.spellings.count)]
            return ("\"\(s.text)\"", .string(s.key))
        case 3:
            let n = ["0", "-1.5e3", "12", "1e400", "0.50"][pick(5)]
            return (n, .number(JSONNumber(unchecked: n)))
        case 4: return pick(2) == 0 ? ("true", true) : ("false", false)
        default: return ("null", .null)
        }
    }

    mutating func object(depth: Int) -> (String, JSONValue) {
        let large = pick(5) == 0
        let n = large ? 33 + pick(40) : pick(7)
        let distinct = large && pick(3) == 0
        let escapeSome = large && pick(2) == 0
        var parts: [String] = []
        var pairs: [(String, JSONValue)] = []
        for i in 0..<n {
            let text: String, key: String
            if large {
                let k = distinct ? i : pick(n * 3 / 4)
                key = "k\(k)"
                text = escapeSome && pick(10) == 0 ? #"\u006b\#(k)"# : key
            } else {
                (text, key) = Self.spellings[pick(Self.spellings.count)]
            }
            let (valueText, value) = self.value(depth: depth + 1)
            parts.append("\"\(text)\":\(valueText)")
            pairs.append((key, value))
        }
        if distinct, n > 0, pick(2) == 0 {
            // One repeat, far from the first occurrence.
            parts.append(#""k0":"again""#)
            pairs.append(("k0", "again"))
        }
        return ("{" + parts.joined(separator: ",") + "}", .object(JSONObject(pairs)))
    }
}

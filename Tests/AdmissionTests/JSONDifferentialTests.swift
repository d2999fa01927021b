// Differential test: our parser against Foundation's JSONSerialization on fixtures and generated documents.
import Foundation
import Testing
@testable import Admission

/// Compares accept/reject decisions and decoded values with Foundation's JSONSerialization.
/// Owned by the test suite; any Swift Testing thread; reads the fixture files.
///
/// Known, deliberate differences (each classified by `knownDifference`, counted and pinned by
/// `foundationsKnownDeviationsAreStillThese`, never silently ignored):
/// - trailing commas: Foundation accepts `[1,]` and `{"a":1,}`; RFC 8259 §5/§4 do not;
/// - a UTF-8 byte order mark: Foundation skips it; we reject it (RFC 8259 §8.1 says MUST NOT add);
/// - numbers beyond Double's range: Foundation rejects "1e400"; RFC 8259 §6 allows it and we
///   keep the text. Numbers are otherwise compared numerically (Foundation has no number text);
/// - Foundation's dictionaries merge keys that are canonically equivalent Unicode ("é" vs
///   "e\u0301"); the generator never emits such key pairs.
/// Anything else that one side accepts and the other rejects fails the test.
struct JSONDifferentialTests {
    static func foundationParse(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Whether our value and Foundation's object denote the same JSON; a path to the first
    /// difference otherwise.
    static func difference(_ ours: JSONValue, _ theirs: Any, at path: String = "") -> String? {
        switch ours {
        case .null:
            return theirs is NSNull ? nil : "\(path): null vs \(theirs)"
        case .bool(let b):
            guard let t = theirs as? Bool else { return "\(path): \(b) vs \(theirs)" }
            return t == b ? nil : "\(path): \(b) vs \(t)"
        case .number(let n):
            guard let t = theirs as? NSNumber else { return "\(path): \(n.text) vs \(theirs)" }
            if let exact = n.int64Value, let theirsExact = Int64(exactly: t.doubleValue), t.doubleValue.magnitude < 9e15 {
                return exact == theirsExact ? nil : "\(path): \(n.text) vs \(t)"
            }
            let a = n.doubleValue, b = t.doubleValue
            if a == b { return nil }
            let relative = abs(a - b) / max(abs(a), abs(b))
            return relative < 1e-12 ? nil : "\(path): \(n.text) (\(a)) vs \(b)"
        case .string(let s):
            guard let t = theirs as? String else { return "\(path): string vs \(theirs)" }
            return Array(s.utf8) == Array(t.utf8) ? nil : "\(path): \(s.debugDescription) vs \(t.debugDescription)"
        case .array(let a):
            guard let t = theirs as? [Any], t.count == a.count else { return "\(path): array of \(a.count) vs \(theirs)" }
            for (i, (x, y)) in zip(a, t).enumerated() {
                if let d = difference(x, y, at: "\(path)/\(i)") { return d }
            }
            return nil
        case .object(let o):
            guard let t = theirs as? [String: Any], t.count == o.count else { return "\(path): object of \(o.count) vs \(theirs)" }
            for member in o {
                guard let y = t[member.key] else { return "\(path): key \(member.key.debugDescription) missing in Foundation's" }
                if let d = difference(member.value, y, at: "\(path)/\(member.key)") { return d }
            }
            return nil
        }
    }

    /// The documented class of a disagreement, or nil if it is not a known one.
    static func knownDifference(_ document: [UInt8], ours: Result<JSONValue, JSONParseError>) -> String? {
        switch ours {
        case .failure(let error):
            if document.starts(with: [0xEF, 0xBB, 0xBF]) { return "byte order mark" }
            // Trailing comma: we stopped at a closing bracket whose previous significant byte is ','.
            guard error.offset < document.count, document[error.offset] == UInt8(ascii: "]") || document[error.offset] == UInt8(ascii: "}") else { return nil }
            let before = document[..<error.offset].last { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            return before == UInt8(ascii: ",") ? "trailing comma" : nil
        case .success(let value):
            return hasNumberBeyondDouble(value) ? "number beyond Double's range" : nil
        }
    }

    static func hasNumberBeyondDouble(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let n): return !n.doubleValue.isFinite
        case .array(let a): return a.contains(where: hasNumberBeyondDouble)
        case .object(let o): return o.values.contains(where: hasNumberBeyondDouble)
        default: return false
        }
    }

    static func fixtureFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Fixtures.json)
            .filter { $0.hasSuffix(".json") }
            .sorted()
    }

    @Test func fixturesParseAndAgreeWithFoundation() throws {
        let files = try Self.fixtureFiles()
        #expect(files.count >= 10)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.json + "/" + file)))
            let ours = try JSONParser.parse(bytes)
            let theirs = try #require(Self.foundationParse(bytes), "Foundation rejects \(file)")
            #expect(Self.difference(ours, theirs) == nil, "\(file): \(Self.difference(ours, theirs) ?? "")")
            #expect(try JSONParser.parse(ours.serialized()) == ours, "\(file) round trip")
        }
    }

    @Test func reviewFixtureDecodesTheFieldsThePolicyReads() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.json + "/ksvc-review-3.6k.json")))
        let review = try JSONParser.parse(bytes)
        #expect(review["apiVersion"] == "admission.k8s.io/v1")
        #expect(review["request", "uid"]?.stringValue?.isEmpty == false)
        #expect(review["request", "object", "kind"] == "Service")
        #expect(review.serialized() == bytes, "compact input is reproduced byte for byte")
    }

    @Test func generatedDocumentsAgreeWithFoundation() throws {
        var generator = JSONTextGenerator(seed: 0x5EED_1234)
        var accepted = 0, rejected = 0
        var excluded: [String: Int] = [:]
        for n in 0..<3000 {
            let document = generator.document(mutate: n % 3 == 2)
            let ours = Result { () throws(JSONParseError) in try JSONParser.parse(document) }
            let theirs = Self.foundationParse(document)
            let text = String(decoding: document.prefix(300), as: UTF8.self).debugDescription
            switch (ours, theirs) {
            case (.success(let value), .some(let object)):
                accepted += 1
                if let d = Self.difference(value, object) { Issue.record("document \(n) \(text): \(d)") }
                #expect(try JSONParser.parse(value.serialized()) == value, "document \(n) round trip")
            case (.failure, .none):
                rejected += 1
            case (.success, .none):
                if let known = Self.knownDifference(document, ours: ours) { excluded[known, default: 0] += 1; continue }
                Issue.record("document \(n): we accept, Foundation rejects: \(text)")
            case (.failure(let error), .some):
                if let known = Self.knownDifference(document, ours: ours) { excluded[known, default: 0] += 1; continue }
                Issue.record("document \(n): Foundation accepts, we reject (\(error)): \(text)")
            }
        }
        #expect(accepted > 1500)
        #expect(rejected > 300)
        #expect(excluded.values.reduce(0, +) < 100, "excluded as known differences: \(excluded)")
    }

    /// Pins the deviations the exclusions above rely on, so a Foundation change is noticed.
    @Test(arguments: ["[1,]", #"{"a":1,}"#, "\u{FEFF}{}", "1e400", "-1E400"])
    func foundationsKnownDeviationsAreStillThese(_ text: String) {
        let bytes = Array(text.utf8)
        let ours = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        let theirs = Self.foundationParse(bytes)
        let weAccept = (try? ours.get()) != nil
        #expect(weAccept != (theirs != nil), "both sides now agree on \(text.debugDescription)")
        #expect(Self.knownDifference(bytes, ours: ours) != nil)
    }

    @Test func differenceDetectsMismatches() throws {
        let theirs = try #require(Self.foundationParse(Array(#"{"a":[1,"x",true,null]}"#.utf8)))
        #expect(Self.difference(try JSONParser.parse(#"{"a":[1,"x",true,null]}"#), theirs) == nil)
        #expect(Self.difference(try JSONParser.parse(#"{"a":[2,"x",true,null]}"#), theirs) != nil)
        #expect(Self.difference(try JSONParser.parse(#"{"a":[1,"y",true,null]}"#), theirs) != nil)
        #expect(Self.difference(try JSONParser.parse(#"{"a":[1,"x",false,null]}"#), theirs) != nil)
        #expect(Self.difference(try JSONParser.parse(#"{"b":[1,"x",true,null]}"#), theirs) != nil)
    }
}

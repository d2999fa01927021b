// Differential test: the production tape parser against its frozen pre-optimisation copy.
import Foundation
import Testing
@testable import Admission

/// Holds `JSONParser`'s tape builder to `ReferenceTapeParser`: for every input, both produce
/// the same tape (every field of every entry) or the same error (offset and message). The
/// inputs aim at what a faster scanner gets wrong: generated and mutated documents, every
/// prefix and many single-byte corruptions of the fixtures, strings whose special byte sits at
/// every position around the 8- and 16-byte block boundaries and at the end of the input,
/// invalid UTF-8, escapes, numbers, literals, whitespace and nesting at the depth limit.
/// Owned by the test suite; any Swift Testing thread; reads fixture files.
struct ReferenceTapeParserTests {
    /// Both parsers' outcomes for `bytes`; nil when they agree, a description otherwise.
    static func disagreement(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> String? {
        let ours = bytes.withUnsafeBufferPointer { buffer in
            JSONParser.tapeResult(buffer, maxDepth: maxDepth).map { tape in
                (0..<tape.count).map { Fields(tape[$0]) }
            }
        }
        let reference = bytes.withUnsafeBufferPointer { ReferenceTapeParser.tapeResult($0, maxDepth: maxDepth) }
        switch (ours, reference) {
        case (.success(let a), .success(let b)):
            let expected = b.map(Fields.init)
            guard a.count == expected.count else { return "tape of \(a.count) entries, reference \(expected.count)" }
            for k in 0..<a.count where a[k] != expected[k] {
                return "entry \(k): \(a[k]), reference \(expected[k])"
            }
            return nil
        case (.failure(let a), .failure(let b)):
            return a == b ? nil : "error \(a), reference \(b)"
        case (.success, .failure(let b)):
            return "accepted, reference rejected: \(b)"
        case (.failure(let a), .success):
            return "rejected (\(a)), reference accepted"
        }
    }

    /// An entry's fields, comparable across the two entry types.
    struct Fields: Equatable, CustomStringConvertible {
        let kind: UInt8, flag: Bool, start: UInt32, end: UInt32, next: UInt32
        init(_ e: JSONTapeEntry) { (kind, flag, start, end, next) = (e.kind.rawValue, e.flag, e.start, e.end, e.next) }
        init(_ e: ReferenceTapeEntry) { (kind, flag, start, end, next) = (e.kind.rawValue, e.flag, e.start, e.end, e.next) }
        var description: String { "(kind \(kind), flag \(flag), \(start)..<\(end), next \(next))" }
    }

    static func expectAgreement(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        if let d = disagreement(bytes, maxDepth: maxDepth) {
            Issue.record("\(d) for \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription) (\(bytes.count) bytes, maxDepth \(maxDepth))",
                         sourceLocation: sourceLocation)
        }
    }

    static func fixtures() throws -> [[UInt8]] {
        let directories = [Fixtures.json, Fixtures.json + "/regressions"]
        var out: [[UInt8]] = []
        for directory in directories {
            for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasSuffix(".json") || directory.hasSuffix("regressions") {
                var isDirectory: ObjCBool = false
                let path = directory + "/" + name
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                out.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            }
        }
        return out
    }

    @Test func fixturesTheirPrefixesAndCorruptionsAgree() throws {
        let files = try Self.fixtures()
        #expect(files.count > 10)
        let specials: [UInt8] = [0x22, 0x5C, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x00, 0x1F, 0x20, 0x0A, 0x7F, 0x80, 0xBF,
                                 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0x30, 0x2D, 0x2E, 0x65, 0x75, 0x74, 0x6E]
        var random = SeededGenerator(seed: 0x7A9E)
        for file in files {
            Self.expectAgreement(file)
            Self.expectAgreement(file + [0x20, 0x0A])
            Self.expectAgreement([0x09] + file)
            for n in 0..<file.count { Self.expectAgreement(Array(file[..<n])) }
            for at in 0..<file.count {
                var replaced = file
                replaced[at] = specials[Int(random.next() % UInt64(specials.count))]
                Self.expectAgreement(replaced)
                var inserted = file
                inserted.insert(specials[Int(random.next() % UInt64(specials.count))], at: at)
                Self.expectAgreement(inserted)
                var removed = file
                removed.remove(at: at)
                Self.expectAgreement(removed)
            }
        }
    }

    @Test func generatedAndMutatedDocumentsAgree() {
        var generator = JSONTextGenerator(seed: 0x5EED_7A9E)
        var random = SeededGenerator(seed: 42)
        for n in 0..<30_000 {
            let document = generator.document(mutate: n % 2 == 1)
            Self.expectAgreement(document)
            if n % 10 == 0 { Self.expectAgreement(document, maxDepth: Int(random.next() % 6)) }
            if n % 7 == 0, !document.isEmpty {
                // Drop the whitespace (compact input, as kube-apiserver sends it) or pad the end.
                Self.expectAgreement(document.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
                Self.expectAgreement(document + [UInt8](repeating: 0x20, count: Int(random.next() % 20)))
            }
        }
    }

    @Test func randomTokenSoupAgrees() {
        let tokens = ["{", "}", "[", "]", ",", ":", "\"", "\"k\"", "\"a\\\"b\"", "\\", "\\u", "\\uD83D", "\\uDE00", "0", "-", "1.5",
                      "e", "E+", "1e5", "00", "true", "tru", "false", "null", "nul", " ", "\n", "\t", "\r", "\u{0}", "é", "\u{1F600}"]
        var random = SeededGenerator(seed: 0xC0FFEE)
        for _ in 0..<40_000 {
            var text: [UInt8] = []
            for _ in 0..<Int(random.next() % 24) { text += Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8) }
            if random.next() % 5 == 0, !text.isEmpty { text[Int(random.next() % UInt64(text.count))] = UInt8(truncatingIfNeeded: random.next()) }
            Self.expectAgreement(text)
        }
    }

    @Test func randomBytesAgree() {
        var random = SeededGenerator(seed: 0xB17E5)
        for _ in 0..<20_000 {
            let count = Int(random.next() % 40)
            var text: [UInt8] = [0x22]
            for _ in 0..<count { text.append(UInt8(truncatingIfNeeded: random.next())) }
            if random.next() % 2 == 0 { text.append(0x22) }
            Self.expectAgreement(text)
            Self.expectAgreement([0x5B] + text + [0x5D])
            Self.expectAgreement(Array(text.dropFirst()))
        }
    }

    /// Every special byte (and every invalid UTF-8 form) at every offset of strings long enough
    /// to cross two 16-byte blocks, with the string closed, left open or cut right after it.
    @Test func specialBytesAtEveryStringOffsetAgree() {
        let insertions: [[UInt8]] = [[0x22], [0x5C], [0x5C, 0x22], [0x5C, 0x6E], [0x5C, 0x78], [0x5C, 0x75, 0x30, 0x30, 0x34, 0x31],
                                     [0x5C, 0x75, 0x44, 0x38, 0x33, 0x44], [0x5C, 0x75, 0x44, 0x38, 0x33, 0x44, 0x5C, 0x75, 0x44, 0x45, 0x30, 0x30],
                                     [0x5C, 0x75, 0x44, 0x45, 0x30, 0x30], [0x5C, 0x75, 0x31, 0x47],
                                     [0x00], [0x1F], [0x0A], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC2, 0x80], [0xC2], [0xDF, 0xBF],
                                     [0xE0, 0x9F, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF],
                                     [0xE1, 0x80], [0xF0, 0x8F, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
                                     [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF1, 0x80, 0x80], [0xFF]]
        for length in 0..<40 {
            for offset in 0...length {
                for insertion in insertions {
                    var body = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    body.insert(contentsOf: insertion, at: offset)
                    let string = [0x22] + body
                    Self.expectAgreement(string + [0x22])
                    Self.expectAgreement(string)
                    Self.expectAgreement(#"{"k":"#.utf8 + string + #"","x":[1,true]}"#.utf8)
                    Self.expectAgreement(#"[""#.utf8 + body)
                }
            }
        }
    }

    @Test func scalarsLiteralsAndWhitespaceAgree() {
        let texts = ["", " ", "\n\t\r ", "0", "-0", "-", "01", "1.", ".5", "1.5e", "1.5e+", "1e-7", "1E400", "-12.50e+03", "123456789012345678901234567890",
                     "2.", "0.0", "-01", "+1", "1x", "1 2", "true", "tru", "trueX", "true ", "truE", "tRue", "false", "fals", "fALSE", "falsE",
                     "falsey", "f", "t", "n", "null", "nul", "nulL", "nullnull", "-", "-a", "1e", "1E+x", "1.x", "0x1",
                     "\"\"", "\"", "\"\\", "\"\\u", "\"\\u12", "\"\\u12345\"", "\"\\uD800\"", "\"\\uD800\\u0041\"", "\"\\uDC00\"", "\"\\uD800\\", "\"\\uD800\\u",
                     "[]", "[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "{}", "{", "{\"", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}",
                     "{\"a\" 1}", "{1:2}", "{\"a\":1 \"b\":2}", "{\"a\":1}}", "[]]", " [ ] ", "{ \"a\" : [ 1 , { } , [ ] ] , \"b\" : null }",
                     "\u{FEFF}{}", "[\"a\",\"b\"x]", "{\"a\":1]", "[1}", "{\"a\":{\"b\":{\"c\":[[[]]]}}}"]
        for text in texts {
            Self.expectAgreement(Array(text.utf8))
            Self.expectAgreement(Array(("[" + text + "]").utf8))
            Self.expectAgreement(Array(("{\"k\":" + text + "}").utf8))
        }
    }

    @Test func nestingAroundTheDepthLimitAgrees() {
        for maxDepth in [0, 1, 2, 3, 511, 512, 513, 1024, 5000] {
            for depth in [0, 1, 2, 3, maxDepth - 1, maxDepth, maxDepth + 1, 1100] where depth >= 0 {
                let arrays = [UInt8](repeating: 0x5B, count: depth) + [0x31] + [UInt8](repeating: 0x5D, count: depth)
                Self.expectAgreement(arrays, maxDepth: maxDepth)
                Self.expectAgreement(Array(arrays.dropLast()), maxDepth: maxDepth)
                var objects: [UInt8] = []
                for _ in 0..<depth { objects += Array(#"{"a":"#.utf8) }
                objects += Array("[]".utf8) + [UInt8](repeating: 0x7D, count: depth)
                Self.expectAgreement(objects, maxDepth: maxDepth)
                Self.expectAgreement(Array(objects.dropLast(depth / 2)), maxDepth: maxDepth)
            }
        }
    }

    /// Large flat and nested documents, so tape growth past its first reservation is covered.
    @Test func largeDocumentsAgree() {
        var text = Array("[".utf8)
        for n in 0..<50_000 {
            if n > 0 { text.append(UInt8(ascii: ",")) }
            text += Array((n % 3 == 0 ? "1" : n % 3 == 1 ? "[]" : "{}").utf8)
        }
        Self.expectAgreement(text + Array("]".utf8))
        Self.expectAgreement(text)
        var env = Array(#"{"env":["#.utf8)
        for n in 0..<5_000 { env += Array(((n == 0 ? "" : ",") + #"{"name":"VAR_\#(n)","value":"value \#(n) \u00e9"}"#).utf8) }
        Self.expectAgreement(env + Array("]}".utf8))
        Self.expectAgreement(env + Array("]".utf8))
    }
}

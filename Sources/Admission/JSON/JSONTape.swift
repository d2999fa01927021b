// The parser's output: a flat tape of entries indexing the input bytes, built in one pass.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed value, as 16 bytes on the tape. Scalars point into the input; a container is
/// followed by its contents (an object's members as key entry, value entries) and knows where
/// they end, so a reader can skip a whole subtree in one step.
///
/// Built only by `JSONParser.parseTape`; read by `JSONDocument`, `JSONView` and the
/// `JSONValue` materialiser. A plain value; any thread.
struct JSONTapeEntry: Sendable {
    enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    var kind: Kind
    /// Strings: the text contains at least one escape (decode before use).
    /// Bools: the value is `true`.
    var flag: Bool
    /// Strings: offset of the first byte after the opening quote. Numbers: offset of the first
    /// character. Containers and literals: offset of the opening byte.
    var start: UInt32
    /// Strings: offset of the closing quote. Numbers: offset after the last character.
    /// Containers: the number of members or elements.
    var end: UInt32
    /// Index of the entry after this value and everything inside it.
    var next: UInt32
}

extension JSONParser {
    /// The largest input the tape can index (offsets are 32-bit; kube-apiserver bodies are
    /// bounded far below this by the server's body limit).
    static let tapeByteLimit = Int(UInt32.max) - 1

    /// Parses the whole input into `tape` (RFC 8259, the choices listed on `JSONParser`).
    /// Iterative: open containers are a small stack of tape indexes, so nesting costs no native
    /// stack. Each value is one entry; nothing else is allocated (escaped strings are checked,
    /// not decoded, here).
    mutating func parseTape(into tape: inout [JSONTapeEntry]) throws(JSONParseError) {
        guard end <= JSONParser.tapeByteLimit else { throw fail(0, "document larger than 4 GiB") }
        // The innermost open container (tape index, -1 at top level), its member count and
        // kind live in locals; the enclosing ones wait on `outer`.
        var container = -1
        var count: UInt32 = 0
        var isObject = false
        var outer: [(container: Int, count: UInt32, isObject: Bool)] = []
        outer.reserveCapacity(16)
        nextValue: while true {
            skipWhitespace()
            guard i < end else { throw fail(i, "unexpected end of input, expected a value") }
            let at = UInt32(truncatingIfNeeded: i)
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let opensObject = bytes[i] == UInt8(ascii: "{")
                guard outer.count + (container >= 0 ? 1 : 0) < maxDepth else { throw fail(i, "nesting deeper than \(maxDepth) levels") }
                let index = tape.count
                tape.append(JSONTapeEntry(kind: opensObject ? .object : .array, flag: false, start: at, end: 0, next: 0))
                i += 1
                skipWhitespace()
                if i < end, bytes[i] == (opensObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    tape[index].next = UInt32(truncatingIfNeeded: tape.count)
                } else {
                    if container >= 0 { outer.append((container, count, isObject)) }
                    container = index
                    count = 0
                    isObject = opensObject
                    if isObject { try appendMemberKey(to: &tape) }
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                try appendString(to: &tape)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
                tape.append(JSONTapeEntry(kind: .number, flag: false, start: at, end: UInt32(truncatingIfNeeded: i),
                                          next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                tape.append(JSONTapeEntry(kind: .bool, flag: true, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                tape.append(JSONTapeEntry(kind: .bool, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                tape.append(JSONTapeEntry(kind: .null, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case let other:
                throw fail(i, "unexpected \(JSONParser.describe(other)), expected a value")
            }

            // A value is complete: count it in the innermost open container, closing as many as end here.
            while true {
                skipWhitespace()
                guard container >= 0 else {
                    guard i == end else { throw fail(i, "unexpected \(JSONParser.describe(bytes[i])) after the top-level value") }
                    return
                }
                count &+= 1
                let close: UInt8 = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard i < end else {
                    throw fail(i, "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(close)))'")
                }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    if isObject {
                        skipWhitespace()
                        try appendMemberKey(to: &tape)
                    }
                    continue nextValue
                }
                guard bytes[i] == close else {
                    let what = isObject ? "object member" : "array element"
                    throw fail(i, "expected ',' or '\(Character(Unicode.Scalar(close)))' after \(what), found \(JSONParser.describe(bytes[i]))")
                }
                i += 1
                tape[container].end = count
                tape[container].next = UInt32(truncatingIfNeeded: tape.count)
                (container, count, isObject) = outer.popLast() ?? (-1, 0, false)
            }
        }
    }

    /// Parses `"key"` `:` with the cursor on the opening quote (whitespace already skipped).
    private mutating func appendMemberKey(to tape: inout [JSONTapeEntry]) throws(JSONParseError) {
        guard i < end else { throw fail(i, "unexpected end of input, expected an object key") }
        guard bytes[i] == UInt8(ascii: "\"") else {
            throw fail(i, "expected '\"' to start an object key, found \(JSONParser.describe(bytes[i]))")
        }
        try appendString(to: &tape)
        skipWhitespace()
        guard i < end else { throw fail(i, "unexpected end of input, expected ':' after object key") }
        guard bytes[i] == UInt8(ascii: ":") else { throw fail(i, "expected ':' after object key") }
        i += 1
    }

    /// Checks the string whose opening quote is under the cursor and appends its entry.
    private mutating func appendString(to tape: inout [JSONTapeEntry]) throws(JSONParseError) {
        let start = i + 1
        var j = try scanPlainRun(from: start)
        var escaped = false
        while bytes[j] == UInt8(ascii: "\\") {
            escaped = true
            j = try checkEscape(at: j)
            j = try scanPlainRun(from: j)
        }
        i = j + 1
        tape.append(JSONTapeEntry(kind: .string, flag: escaped, start: UInt32(truncatingIfNeeded: start),
                                  end: UInt32(truncatingIfNeeded: j), next: UInt32(truncatingIfNeeded: tape.count + 1)))
    }

    /// Whether two members of the object at `index` have the same key, compared as decoded
    /// UTF-8 bytes. Pairwise (no allocation) for the small objects Kubernetes documents are
    /// made of, hashed for large ones, so a huge object costs linear time. Not run while
    /// parsing (most objects are never asked): readers that must merge repeated keys
    /// (`JSONView.members` and `count`, the materialiser) ask when they need to.
    static func hasDuplicateKeys(_ bytes: UnsafeBufferPointer<UInt8>, _ tape: UnsafeBufferPointer<JSONTapeEntry>, object index: Int) -> Bool {
        let count = Int(tape[index].end)
        guard count > 1 else { return false }
        var anyEscaped = false
        var k = index + 1
        for _ in 0..<count {
            if tape[k].flag { anyEscaped = true; break }
            k = Int(tape[k + 1].next)
        }
        if anyEscaped {
            var seen = Set<[UInt8]>(minimumCapacity: count)
            k = index + 1
            for _ in 0..<count {
                if !seen.insert(decodedBytes(bytes, tape[k])).inserted { return true }
                k = Int(tape[k + 1].next)
            }
            return false
        }
        if count > 32, let base = bytes.baseAddress {
            var seen = Set<RawKey>(minimumCapacity: count)
            k = index + 1
            for _ in 0..<count {
                let key = RawKey(base: base + Int(tape[k].start), count: Int(tape[k].end &- tape[k].start))
                if !seen.insert(key).inserted { return true }
                k = Int(tape[k + 1].next)
            }
            return false
        }
        var a = Int(tape[index + 1 + 1].next)  // the second member's key
        for _ in 1..<count {
            let ka = tape[a]
            var b = index + 1
            while b < a {
                if rawBytesEqual(bytes, ka, tape[b]) { return true }
                b = Int(tape[b + 1].next)
            }
            a = Int(tape[a + 1].next)
        }
        return false
    }

    /// An unescaped key's bytes in the input, hashed and compared in place (valid only while
    /// the parser's input is, i.e. inside `hasDuplicateKeys`).
    struct RawKey: Hashable {
        let base: UnsafePointer<UInt8>
        let count: Int

        static func == (lhs: RawKey, rhs: RawKey) -> Bool {
            lhs.count == rhs.count && (lhs.count == 0 || memcmp(lhs.base, rhs.base, lhs.count) == 0)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes: UnsafeRawBufferPointer(start: base, count: count))
        }
    }

    /// Byte equality of two unescaped strings' text.
    @inline(__always)
    static func rawBytesEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ a: JSONTapeEntry, _ b: JSONTapeEntry) -> Bool {
        let length = Int(a.end &- a.start)
        guard length == Int(b.end &- b.start) else { return false }
        guard length > 0, let base = bytes.baseAddress else { return true }
        return memcmp(base + Int(a.start), base + Int(b.start), length) == 0
    }

    /// The decoded UTF-8 of a string entry (its raw text when it has no escape).
    static func decodedBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ entry: JSONTapeEntry) -> [UInt8] {
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)])
        guard entry.flag else { return Array(raw) }
        let parser = JSONParser(bytes: bytes, maxDepth: 0)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = Int(entry.start)
        let end = Int(entry.end)
        guard let base = bytes.baseAddress else { return out }
        while j < end {
            // Copy the plain run up to the next backslash in one step, then decode the escape.
            let run = memchr(base + j, Int32(UInt8(ascii: "\\")), end - j).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            out.append(contentsOf: UnsafeBufferPointer(start: base + j, count: run - j))
            guard run < end else { break }
            // Checked when the tape was built, so decoding cannot fail; stop defensively if it does.
            guard let after = try? parser.decodeEscape(at: run, into: &out) else { break }
            j = after
        }
        return out
    }

    /// Validates the escape whose backslash is at `j` without keeping its decoded bytes. The
    /// one-character escapes (most of them: quotes in embedded JSON) are checked in place.
    @inline(__always)
    private mutating func checkEscape(at j: Int) throws(JSONParseError) -> Int {
        if j + 1 < end {
            switch bytes[j + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return j + 2
            default:
                break
            }
        }
        if escapeScratch.count > 64 { escapeScratch.removeAll(keepingCapacity: true) }
        return try decodeEscape(at: j, into: &escapeScratch)
    }
}

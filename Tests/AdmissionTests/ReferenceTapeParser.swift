// A frozen copy of the tape parser as it was before the performance work, for differential tests.

@testable import Admission

/// One tape entry as the reference parser writes it: `JSONTapeEntry` as it was when the copy
/// was frozen. Compared field by field with the production parser's entries.
struct ReferenceTapeEntry: Sendable {
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

/// The tape parser copied verbatim (types renamed) from `JSONParser` before its hot loop was
/// rewritten for speed. `ReferenceTapeParserTests` holds the production parser to exactly this
/// behaviour: same tape, or same error offset and message. Do not "fix" or speed this up; it
/// is the specification by example. Test-only; one value per parse, one thread.
struct ReferenceTapeParser {
    /// `JSONParser.depthCeiling` when the copy was frozen.
    static let maxDepthCeiling = 1024

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    let maxDepth: Int
    var i = 0
    /// Where escapes are decoded while checking them (reused, so checking allocates once).
    var escapeScratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = min(max(maxDepth, 0), ReferenceTapeParser.maxDepthCeiling)
    }

    static func tapeResult(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<[ReferenceTapeEntry], JSONParseError> {
        var parser = ReferenceTapeParser(bytes: bytes, maxDepth: maxDepth)
        var tape: [ReferenceTapeEntry] = []
        // Kubernetes JSON averages one value per 10–20 bytes; growth beyond this is amortised.
        tape.reserveCapacity(min(bytes.count / 12 + 8, 1 << 16))
        do throws(JSONParseError) {
            try parser.parseTape(into: &tape)
            return .success(tape)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Scalars

    /// RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return only.
    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = i
        let count = literal.utf8CodeUnitCount
        let literalBytes = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for k in 0..<count {
            guard start + k < end else { throw fail(end, "unexpected end of input in literal '\(literal)'") }
            guard bytes[start + k] == literalBytes[k] else { throw fail(start + k, "invalid literal, expected '\(literal)'") }
        }
        i = start + count
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; no `+`, no leading
    /// zeros, no `.5` or `1.`, no NaN or Infinity. The text is kept verbatim.
    mutating func scanNumber() throws(JSONParseError) {
        var j = i
        if bytes[j] == UInt8(ascii: "-") { j += 1 }
        guard j < end else { throw fail(j, "unexpected end of input, expected a digit") }
        if bytes[j] == UInt8(ascii: "0") {
            j += 1
            if j < end, ReferenceTapeParser.isDigit(bytes[j]) { throw fail(j, "leading zeros are not allowed in numbers") }
        } else if ReferenceTapeParser.isDigit(bytes[j]) {
            j += 1
            while j < end, ReferenceTapeParser.isDigit(bytes[j]) { j += 1 }
        } else {
            throw fail(j, "expected a digit, found \(ReferenceTapeParser.describe(bytes[j]))")
        }
        if j < end, bytes[j] == UInt8(ascii: ".") {
            j += 1
            guard j < end, ReferenceTapeParser.isDigit(bytes[j]) else { throw fail(j, "expected a digit after '.'") }
            while j < end, ReferenceTapeParser.isDigit(bytes[j]) { j += 1 }
        }
        if j < end, bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") {
            j += 1
            if j < end, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            guard j < end, ReferenceTapeParser.isDigit(bytes[j]) else { throw fail(j, "expected a digit in exponent") }
            while j < end, ReferenceTapeParser.isDigit(bytes[j]) { j += 1 }
        }
        i = j
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    func fail(_ offset: Int, _ message: String) -> JSONParseError {
        JSONParseError(offset: offset, message: message)
    }

    /// "'x'" for printable ASCII, "byte 0x0A" otherwise (never echoes multi-byte input).
    static func describe(_ b: UInt8) -> String {
        if b >= 0x21, b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(hex2(b))"
    }

    static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
    }

    /// The largest input the tape can index (offsets are 32-bit; kube-apiserver bodies are
    /// bounded far below this by the server's body limit).
    static let tapeByteLimit = Int(UInt32.max) - 1

    /// Parses the whole input into `tape` (RFC 8259, the choices listed on `JSONParser`).
    /// Iterative: open containers are a small stack of tape indexes, so nesting costs no native
    /// stack. Each value is one entry; nothing else is allocated (escaped strings are checked,
    /// not decoded, here).
    mutating func parseTape(into tape: inout [ReferenceTapeEntry]) throws(JSONParseError) {
        guard end <= ReferenceTapeParser.tapeByteLimit else { throw fail(0, "document larger than 4 GiB") }
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
                tape.append(ReferenceTapeEntry(kind: opensObject ? .object : .array, flag: false, start: at, end: 0, next: 0))
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
                tape.append(ReferenceTapeEntry(kind: .number, flag: false, start: at, end: UInt32(truncatingIfNeeded: i),
                                          next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                tape.append(ReferenceTapeEntry(kind: .bool, flag: true, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                tape.append(ReferenceTapeEntry(kind: .bool, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                tape.append(ReferenceTapeEntry(kind: .null, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count + 1)))
            case let other:
                throw fail(i, "unexpected \(ReferenceTapeParser.describe(other)), expected a value")
            }

            // A value is complete: count it in the innermost open container, closing as many as end here.
            while true {
                skipWhitespace()
                guard container >= 0 else {
                    guard i == end else { throw fail(i, "unexpected \(ReferenceTapeParser.describe(bytes[i])) after the top-level value") }
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
                    throw fail(i, "expected ',' or '\(Character(Unicode.Scalar(close)))' after \(what), found \(ReferenceTapeParser.describe(bytes[i]))")
                }
                i += 1
                tape[container].end = count
                tape[container].next = UInt32(truncatingIfNeeded: tape.count)
                (container, count, isObject) = outer.popLast() ?? (-1, 0, false)
            }
        }
    }

    /// Parses `"key"` `:` with the cursor on the opening quote (whitespace already skipped).
    private mutating func appendMemberKey(to tape: inout [ReferenceTapeEntry]) throws(JSONParseError) {
        guard i < end else { throw fail(i, "unexpected end of input, expected an object key") }
        guard bytes[i] == UInt8(ascii: "\"") else {
            throw fail(i, "expected '\"' to start an object key, found \(ReferenceTapeParser.describe(bytes[i]))")
        }
        try appendString(to: &tape)
        skipWhitespace()
        guard i < end else { throw fail(i, "unexpected end of input, expected ':' after object key") }
        guard bytes[i] == UInt8(ascii: ":") else { throw fail(i, "expected ':' after object key") }
        i += 1
    }

    /// Checks the string whose opening quote is under the cursor and appends its entry.
    private mutating func appendString(to tape: inout [ReferenceTapeEntry]) throws(JSONParseError) {
        let start = i + 1
        var j = try scanPlainRun(from: start)
        var escaped = false
        while bytes[j] == UInt8(ascii: "\\") {
            escaped = true
            j = try checkEscape(at: j)
            j = try scanPlainRun(from: j)
        }
        i = j + 1
        tape.append(ReferenceTapeEntry(kind: .string, flag: escaped, start: UInt32(truncatingIfNeeded: start),
                                  end: UInt32(truncatingIfNeeded: j), next: UInt32(truncatingIfNeeded: tape.count + 1)))
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


    /// Advances over bytes that need no decoding; returns the index of the next '"' or '\\'.
    /// Rejects raw control characters (RFC 8259 §7: U+0000–U+001F must be escaped) and invalid
    /// UTF-8 (RFC 8259 §8.1, RFC 3629 §4). Throws at end of input (unterminated string).
    @inline(__always)
    func scanPlainRun(from start: Int) throws(JSONParseError) -> Int {
        var j = start
        while j < end {
            if let base = bytes.baseAddress {
                // Eight bytes at a time while none is special ('"', '\\', < 0x20 or ≥ 0x80);
                // the lowest flagged byte is always a real one (borrows only run upwards), so
                // the scan jumps straight to it.
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                while j &+ 8 <= end {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                    let quote = word ^ (ones &* 0x22)
                    let backslash = word ^ (ones &* 0x5C)
                    let special = (((quote &- ones) & ~quote)
                        | ((backslash &- ones) & ~backslash)
                        | ((word &- ones &* 0x20) & ~word)
                        | word) & highs
                    if special != 0 {
                        j &+= special.trailingZeroBitCount &>> 3
                        break
                    }
                    j &+= 8
                }
                guard j < end else { break }
            }
            let c = bytes[j]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return j }
            if c < 0x20 {
                throw fail(j, "unescaped control character U+00\(ReferenceTapeParser.hex2(c)) in string")
            }
            if c < 0x80 {
                j += 1
            } else {
                j = try validateUTF8Sequence(at: j)
            }
        }
        throw fail(end, "unexpected end of input in string")
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `j` (RFC 3629 §4 table:
    /// no overlongs, no UTF-16 surrogates D800–DFFF, nothing above U+10FFFF, no truncation).
    /// Returns the index after it; errors point at the lead byte.
    @inline(__always)
    func validateUTF8Sequence(at j: Int) throws(JSONParseError) -> Int {
        let lead = bytes[j]
        let length: Int
        var secondLow: UInt8 = 0x80, secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0  // below A0 is an overlong
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F  // above 9F encodes a surrogate
        case 0xF0: length = 4; secondLow = 0x90  // below 90 is an overlong
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F  // above 8F is beyond U+10FFFF
        default:
            throw fail(j, "invalid UTF-8 byte 0x\(ReferenceTapeParser.hex2(lead)) in string")
        }
        guard end - j >= length else { throw fail(j, "truncated UTF-8 sequence in string") }
        let second = bytes[j + 1]
        guard second >= secondLow, second <= secondHigh else { throw fail(j, "invalid UTF-8 sequence in string") }
        var k = 2
        while k < length {
            guard bytes[j + k] & 0xC0 == 0x80 else { throw fail(j, "invalid UTF-8 sequence in string") }
            k += 1
        }
        return j + length
    }

    /// Decodes the escape whose backslash is at `j` (RFC 8259 §7) and returns the index after it.
    /// A `\uD8xx` high surrogate must be followed by a `\uDCxx` low one; either alone is an error
    /// (it cannot be represented in UTF-8, and Swift strings hold only valid Unicode).
    func decodeEscape(at j: Int, into buffer: inout [UInt8]) throws(JSONParseError) -> Int {
        guard j + 1 < end else { throw fail(end, "unexpected end of input in string escape") }
        let e = bytes[j + 1]
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(e)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4(at: j + 2)
            var scalar = unit
            var next = j + 6
            if unit >= 0xD800, unit <= 0xDBFF {
                guard next + 1 < end, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u") else {
                    throw fail(j, "unpaired UTF-16 high surrogate in \\u escape")
                }
                let low = try hex4(at: next + 2)
                guard low >= 0xDC00, low <= 0xDFFF else { throw fail(j, "unpaired UTF-16 high surrogate in \\u escape") }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                next += 6
            } else if unit >= 0xDC00, unit <= 0xDFFF {
                throw fail(j, "unpaired UTF-16 low surrogate in \\u escape")
            }
            ReferenceTapeParser.appendUTF8(scalar, to: &buffer)
            return next
        default:
            throw fail(j, "invalid escape '\\\(ReferenceTapeParser.describe(e).referenceTrimmingQuotes)' in string")
        }
        return j + 2
    }

    /// Four hex digits starting at `k`, as a UTF-16 code unit.
    func hex4(at k: Int) throws(JSONParseError) -> UInt32 {
        var unit: UInt32 = 0
        for n in 0..<4 {
            guard k + n < end else { throw fail(end, "unexpected end of input in \\u escape") }
            let c = bytes[k + n]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw fail(k + n, "invalid hex digit in \\u escape")
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    /// Appends a Unicode scalar (≤ U+10FFFF, not a surrogate) as UTF-8.
    static func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            buffer.append(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        default:
            buffer.append(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        }
    }

}

extension String {
    /// "'x'" → "x"; other descriptions unchanged. For error messages only.
    fileprivate var referenceTrimmingQuotes: String {
        guard count >= 3, first == "'", last == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}

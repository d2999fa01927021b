// Numbers, literals and one-character escapes for JSONParser.parseTape (RFC 8259 §3, §6, §7).

extension JSONParser {
    /// Validates the escape whose backslash is at `j` without keeping its decoded bytes and
    /// returns the index after it. The one-character escapes (most of them: quotes in embedded
    /// JSON) are checked in place; `\u` escapes and errors go to `decodeEscape`.
    @inline(__always)
    mutating func checkEscape(_ p: UnsafePointer<UInt8>, _ j: Int, _ end: Int) throws(JSONParseError) -> Int {
        if j + 1 < end {
            switch p[j + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return j + 2
            default:
                break
            }
        }
        return try checkOtherEscape(at: j)
    }

    @inline(never)
    private mutating func checkOtherEscape(at j: Int) throws(JSONParseError) -> Int {
        if escapeScratch.count > 64 { escapeScratch.removeAll(keepingCapacity: true) }
        return try decodeEscape(at: j, into: &escapeScratch)
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; no `+`, no leading
    /// zeros, no `.5` or `1.`, no NaN or Infinity. Returns the index after the number (whose
    /// first byte, '-' or a digit, is at `from`); the text is kept verbatim.
    @inline(__always)
    func scanNumber(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) throws(JSONParseError) -> Int {
        var j = from
        if p[j] == UInt8(ascii: "-") {
            j += 1
            guard j < end else { throw JSONParser.endOfInput(at: j, expecting: "a digit") }
        }
        if p[j] == UInt8(ascii: "0") {
            j += 1
            if j < end, JSONParser.isDigit(p[j]) { throw JSONParser.leadingZero(at: j) }
        } else if JSONParser.isDigit(p[j]) {
            j += 1
            while j < end, JSONParser.isDigit(p[j]) { j += 1 }
        } else {
            throw JSONParser.expectedDigit(p[j], at: j)
        }
        if j < end, p[j] == UInt8(ascii: ".") {
            j += 1
            guard j < end, JSONParser.isDigit(p[j]) else { throw JSONParser.expectedDigit(where: "after '.'", at: j) }
            while j < end, JSONParser.isDigit(p[j]) { j += 1 }
        }
        if j < end, p[j] | 0x20 == UInt8(ascii: "e") {
            j += 1
            if j < end, p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-") { j += 1 }
            guard j < end, JSONParser.isDigit(p[j]) else { throw JSONParser.expectedDigit(where: "in exponent", at: j) }
            while j < end, JSONParser.isDigit(p[j]) { j += 1 }
        }
        return j
    }

    /// "true", "null" and "fals" as little-endian 32-bit words, compared with one load.
    static let trueWord = UInt32(0x6575_7274), nullWord = UInt32(0x6C6C_756E), falseWord = UInt32(0x736C_6166)

    /// Checks the literal starting at `from` and returns the index after it: one 32-bit
    /// comparison (plus the 'e' of "false") when enough bytes remain; otherwise, or on a
    /// mismatch, byte by byte for the exact error.
    @inline(__always)
    func expectLiteral(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int, _ literal: StaticString, word: UInt32) throws(JSONParseError) -> Int {
        let count = literal.utf8CodeUnitCount
        if end - from >= count,
           UInt32(littleEndian: UnsafeRawPointer(p + from).loadUnaligned(as: UInt32.self)) == word,
           count == 4 || p[from + 4] == UInt8(ascii: "e") {
            return from + count
        }
        throw literalError(from, literal)
    }

    /// The error for a literal that does not match (or is cut off) at `from`: at the first
    /// differing byte, or at the end of input if it comes first.
    @inline(never)
    func literalError(_ from: Int, _ literal: StaticString) -> JSONParseError {
        let literalBytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for k in 0..<literalBytes.count {
            guard from + k < end else { return fail(end, "unexpected end of input in literal '\(literal)'") }
            guard bytes[from + k] == literalBytes[k] else { return fail(from + k, "invalid literal, expected '\(literal)'") }
        }
        return fail(from, "invalid literal, expected '\(literal)'")  // not reached: the fast check failed
    }
}

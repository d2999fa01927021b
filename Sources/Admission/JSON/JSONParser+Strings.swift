// String scanning for JSONParser: UTF-8 validation, escapes and surrogate pairs (RFC 8259 §7, §8.2).

internal import CJSONScan

extension JSONParser {
    /// Checks the rest of a string from `from`, a byte the fast scan in `appendString` stopped
    /// at that is not the closing quote (a backslash, a control character or a non-ASCII lead
    /// byte), and returns the index of the closing quote and whether the string has an escape.
    /// Same checks, order and errors as the fast scan; out of line so that scan's loop holds no
    /// call (which made the parser spill its registers around every string).
    @inline(never)
    mutating func finishString(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) throws(JSONParseError) -> (quote: Int, escaped: Bool) {
        var j = from
        var escaped = false
        while true {
            let c = p[j]
            if c == UInt8(ascii: "\\") {
                escaped = true
                j = try checkEscape(p, j, end)
            } else if c >= 0x80 {
                j = try validateUTF8Sequence(at: j)
            } else {
                throw JSONParser.controlCharacter(c, at: j)
            }
            // On to the next byte needing attention, sixteen at a time while sixteen remain.
            while true {
                if j <= end &- 16 {
                    var quotes: UInt32 = 0
                    let special = smw_json_string_mask16(p + j, &quotes)
                    if special == 0 {
                        j &+= 16
                        continue
                    }
                    let k = special.trailingZeroBitCount
                    j &+= k
                    if (quotes &>> k) & 1 != 0 { return (j, escaped) }
                } else {
                    j = JSONParser.skipPlainASCII(p, j, end)
                    guard j < end else { throw JSONParser.endOfInputInString(at: end) }
                    if p[j] == UInt8(ascii: "\"") { return (j, escaped) }
                }
                break
            }
        }
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `j` (RFC 3629 §4 table:
    /// no overlongs, no UTF-16 surrogates D800–DFFF, nothing above U+10FFFF, no truncation).
    /// Returns the index after it; errors point at the lead byte. Out of line: rare in
    /// Kubernetes text, and it keeps its error messages out of the string scan.
    @inline(never)
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
            throw fail(j, "invalid UTF-8 byte 0x\(JSONParser.hex2(lead)) in string")
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
            JSONParser.appendUTF8(scalar, to: &buffer)
            return next
        default:
            throw fail(j, "invalid escape '\\\(JSONParser.describe(e).trimmingQuotes)' in string")
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
    fileprivate var trimmingQuotes: String {
        guard count >= 3, first == "'", last == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}

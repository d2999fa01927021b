// Byte classes and small byte-level conversions of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stateless helpers for `RequestParser`: character classes and scans over raw bytes.
/// Pure functions, callable from any thread; they allocate only where they return a `String`.
/// They do not decide statuses; the parser does.
enum HTTP1Syntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// `tchar` of RFC 9110 §5.6.2.
    @inline(__always)
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// SP or HTAB (RFC 9110 §5.6.3 OWS).
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == sp || b == htab }

    /// A control byte other than HTAB: forbidden in field values (RFC 9110 §5.5) and line tails.
    @inline(__always)
    static func isForbiddenControl(_ b: UInt8) -> Bool { (b < 0x20 && b != htab) || b == 0x7F }

    /// True when `raw[range]` holds a byte that `isForbiddenControl`. Eight bytes at a time
    /// while none is below 0x20 or 0x7F (exact word tests: `(x - 0x20…) & ~x & 0x80…` is
    /// non-zero iff some byte is below 0x20, the same on `x ^ 0x7F…` with 0x01… iff some byte
    /// is 0x7F), then byte by byte from the first word with such a byte (HTAB is allowed, so
    /// a word flagged for one is looked at closely). Callgrind: the byte loop over the field
    /// values cost ~500 instructions per request (4 header lines), now ~300.
    static func containsForbiddenControl(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard let base = raw.baseAddress, range.lowerBound >= 0, range.upperBound <= raw.count else {
            return false  // nothing to look at (an empty buffer, or no such range)
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = range.lowerBound
        // In bounds: `i + 8 <= range.upperBound <= raw.count`.
        while range.upperBound &- i >= 8 {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let del = x ^ (ones &* 0x7F)
            if ((x &- ones &* 0x20) & ~x | (del &- ones) & ~del) & highs != 0 { break }
            i &+= 8
        }
        while i < range.upperBound {
            if isForbiddenControl(base.load(fromByteOffset: i, as: UInt8.self)) { return true }
            i &+= 1
        }
        return false
    }

    /// The index of the first LF in `raw[from...]`, or nil.
    @inline(__always)
    static func indexOfLF(in raw: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from >= 0, from < raw.count, let base = raw.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(lf), raw.count - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// `raw[range]` as a String (invalid UTF-8 repaired, never trapping).
    @inline(__always)
    static func string(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]), as: UTF8.self)
    }

    /// `raw[range]` with ASCII upper case mapped to lower case, as a String.
    /// The caller has checked that every byte is a `tchar` (hence ASCII).
    @inline(__always)
    static func lowercasedString(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            var o = 0
            for i in range {
                let b = raw[i]
                out[o] = (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
                o &+= 1
            }
            return o
        }
    }

    /// True when `raw[range]` equals the lower-case ASCII `lower`, ignoring ASCII case.
    static func equalsIgnoringCase(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ lower: StaticString) -> Bool {
        guard range.count == lower.utf8CodeUnitCount else { return false }
        let p = lower.utf8Start
        var k = 0
        for i in range {
            let b = raw[i]
            let folded = (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
            if folded != p[k] { return false }
            k &+= 1
        }
        return true
    }

    /// `equalsIgnoringCase` for a field name already checked to be a token, against a
    /// lower-case name of letters and '-' only, at least 4 bytes long: compared 8 (or 4) bytes
    /// at a time with bit 0x20 set in every byte. For such an expected byte e, `b | 0x20 == e`
    /// holds exactly for e and, if e is a letter, its upper case; for '-' also for CR, which is
    /// no token byte. Callgrind: the byte-wise compare cost ~710 instructions per request
    /// (h2load's 4 header lines), the name match as a whole ~870 -> ~330.
    @inline(__always)
    static func equalsLowercaseName(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ lower: StaticString) -> Bool {
        let count = lower.utf8CodeUnitCount
        guard range.count == count, count >= 4, let base = raw.baseAddress else { return false }
        let name = base + range.lowerBound
        let expected = UnsafeRawPointer(lower.utf8Start)
        if count < 8 {
            // Two overlapping 4-byte words cover 4...7 bytes.
            let mask: UInt32 = 0x2020_2020
            return name.loadUnaligned(as: UInt32.self) | mask == expected.loadUnaligned(as: UInt32.self)
                && name.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self) | mask
                    == expected.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        }
        // 8-byte words from the start, then one ending at the last byte (it may overlap).
        let mask: UInt64 = 0x2020_2020_2020_2020
        var offset = 0
        while offset &+ 8 <= count {
            if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self) | mask
                != expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset &+= 8
        }
        if offset == count { return true }
        return name.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self) | mask
            == expected.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }

    /// `range` with leading and trailing SP/HTAB removed.
    @inline(__always)
    static func trimmed(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi, isWhitespace(raw[lo]) { lo &+= 1 }
        while hi > lo, isWhitespace(raw[hi &- 1]) { hi &-= 1 }
        return lo..<hi
    }

    /// Calls `body` with each trimmed, non-empty element of a comma-separated list
    /// (RFC 9110 §5.6.1) in `raw[range]`.
    static func forEachListElement(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        var i = range.lowerBound
        while i <= range.upperBound {
            if i == range.upperBound || raw[i] == UInt8(ascii: ",") {
                let element = trimmed(raw, start..<i)
                if !element.isEmpty { body(element) }
                start = i &+ 1
            }
            i &+= 1
        }
    }
}

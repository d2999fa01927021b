// The HTTP date format (IMF-fixdate, RFC 9110 §5.6.7) for the `date` response field.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats `date` field values. Stateless and callable from any thread (gmtime_r is
/// reentrant); each event loop is expected to cache the string and refresh it once a second.
/// It deliberately does not parse dates: the server never reads one.
package enum HTTPDate {
    static let weekdays: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for 784111777. Seconds the C library cannot convert
    /// give the epoch's date rather than a trap.
    package static func format(epochSeconds: Int) -> String {
        var t = time_t(truncatingIfNeeded: epochSeconds)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil,
              (0..<7).contains(parts.tm_wday), (0..<12).contains(parts.tm_mon)
        else {
            return epochSeconds == 0 ? "Thu, 01 Jan 1970 00:00:00 GMT" : format(epochSeconds: 0)
        }
        var out: [UInt8] = []
        out.reserveCapacity(29)
        appendStatic(weekdays[Int(parts.tm_wday)], &out)
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: " "))
        appendTwoDigits(Int(parts.tm_mday), &out)
        out.append(UInt8(ascii: " "))
        appendStatic(months[Int(parts.tm_mon)], &out)
        out.append(UInt8(ascii: " "))
        let year = Int(parts.tm_year) &+ 1900
        if year >= 0 && year < 10000 {
            appendTwoDigits(year / 100, &out)
            appendTwoDigits(year % 100, &out)
        } else {
            out.append(contentsOf: String(year).utf8)
        }
        out.append(UInt8(ascii: " "))
        appendTwoDigits(Int(parts.tm_hour), &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_min), &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_sec), &out)
        out.append(contentsOf: " GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func appendStatic(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// `value` (0...99 for every field gmtime_r fills) as two ASCII digits.
    @inline(__always)
    static func appendTwoDigits(_ value: Int, _ out: inout [UInt8]) {
        let v = value < 0 ? 0 : value % 100
        out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v / 10))
        out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10))
    }
}

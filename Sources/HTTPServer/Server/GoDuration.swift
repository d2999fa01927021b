// Parses the Go duration strings kube-apiserver puts in `?timeout=` (e.g. "10s", "1m30s", "500ms").

/// Go's `time.ParseDuration` subset for non-negative durations. Pure; any thread.
package enum GoDuration {
    /// Nanoseconds in `text`, or nil if it is not a valid non-negative duration below ~292 years.
    ///
    /// Read byte by byte in place, each unit packed into one word: every review carries
    /// `?timeout=10s`, and the version that copied the text into an array and built and
    /// compared a String for each unit cost ~1,700 instructions a request more (callgrind).
    package static func nanoseconds(_ text: Substring) -> Int64? {
        // A bridged or other non-contiguous string is copied out first.
        text.utf8.withContiguousStorageIfAvailable(nanoseconds) ?? Array(text.utf8).withUnsafeBufferPointer(nanoseconds)
    }

    /// `nanoseconds(_:)` over UTF-8 bytes (the router reads the query's in place).
    package static func nanoseconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let end = bytes.count
        if i < end, bytes[i] == UInt8(ascii: "+") { i += 1 }
        guard i < end else { return nil }
        // Go's one duration without a unit.
        if bytes[i] == UInt8(ascii: "0"), i + 1 == end { return 0 }
        var total: Double = 0
        while i < end {
            var number: Double = 0
            var sawDigit = false
            while i < end, let digit = decimalDigit(bytes[i]) {
                number = number * 10 + Double(digit); sawDigit = true; i += 1
            }
            if i < end, bytes[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 0.1
                while i < end, let digit = decimalDigit(bytes[i]) {
                    number += Double(digit) * scale; scale /= 10; sawDigit = true; i += 1
                }
            }
            guard sawDigit else { return nil }
            // The unit: every byte up to the next number. The longest name, "µs", is 3 bytes.
            var unit: UInt32 = 0
            var length: UInt32 = 0
            while i < end, decimalDigit(bytes[i]) == nil, bytes[i] != UInt8(ascii: ".") {
                guard length < 3 else { return nil }
                unit |= UInt32(bytes[i]) << (8 * length)
                length += 1
                i += 1
            }
            guard let factor = factor(of: unit) else { return nil }
            total += number * factor
            guard total < 9.2e18 else { return nil }
        }
        return Int64(total)
    }

    @inline(__always)
    private static func decimalDigit(_ byte: UInt8) -> UInt8? {
        byte &- UInt8(ascii: "0") < 10 ? byte &- UInt8(ascii: "0") : nil
    }

    /// Nanoseconds per unit, for a unit's UTF-8 bytes packed first byte lowest (0: no unit).
    /// The names are written as their packed words (checked by GoDuration's tests).
    private static func factor(of unit: UInt32) -> Double? {
        switch unit {
        case 0x73_6E: return 1                                // "ns"
        case 0x73_75, 0x73_B5_C2, 0x73_BC_CE: return 1e3      // "us", "µs" (U+00B5), "μs" (U+03BC)
        case 0x73_6D: return 1e6                              // "ms"
        case 0x73: return 1e9                                 // "s"
        case 0x6D: return 60e9                                // "m"
        case 0x68: return 3600e9                              // "h"
        default: return nil
        }
    }
}

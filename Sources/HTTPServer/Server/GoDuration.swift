// Parses the Go duration strings kube-apiserver puts in `?timeout=` (e.g. "10s", "1m30s", "500ms").

/// Go's `time.ParseDuration` subset for non-negative durations. Pure; any thread.
package enum GoDuration {
    /// Nanoseconds in `text`, or nil if it is not a valid non-negative duration below ~292 years.
    ///
    /// Read byte by byte in place, each unit packed into one word: every review carries
    /// `?timeout=10s`, and the version that copied the text into an array and built and
    /// compared a String for each unit cost 1,060 instructions a request more (callgrind).
    package static func nanoseconds(_ text: Substring) -> Int64? {
        let utf8 = text.utf8
        var i = utf8.startIndex
        let end = utf8.endIndex
        if i < end, utf8[i] == UInt8(ascii: "+") { i = utf8.index(after: i) }
        guard i < end else { return nil }
        // Go's one duration without a unit.
        if utf8[i] == UInt8(ascii: "0"), utf8.index(after: i) == end { return 0 }
        var total: Double = 0
        while i < end {
            var number: Double = 0
            var sawDigit = false
            while i < end, let digit = decimalDigit(utf8[i]) {
                number = number * 10 + Double(digit); sawDigit = true; i = utf8.index(after: i)
            }
            if i < end, utf8[i] == UInt8(ascii: ".") {
                i = utf8.index(after: i)
                var scale = 0.1
                while i < end, let digit = decimalDigit(utf8[i]) {
                    number += Double(digit) * scale; scale /= 10; sawDigit = true; i = utf8.index(after: i)
                }
            }
            guard sawDigit else { return nil }
            // The unit: every byte up to the next number. The longest name, "µs", is 3 bytes.
            var unit: UInt32 = 0
            var length = 0
            while i < end, decimalDigit(utf8[i]) == nil, utf8[i] != UInt8(ascii: ".") {
                guard length < 3 else { return nil }
                unit |= UInt32(utf8[i]) << (8 * UInt32(length))
                length += 1
                i = utf8.index(after: i)
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
    private static func factor(of unit: UInt32) -> Double? {
        func packed(_ name: StaticString) -> UInt32 {
            var word: UInt32 = 0
            for k in 0..<name.utf8CodeUnitCount { word |= UInt32(name.utf8Start[k]) << (8 * UInt32(k)) }
            return word
        }
        switch unit {
        case packed("ns"): return 1
        case packed("us"), packed("µs"), packed("μs"): return 1e3  // U+00B5 and U+03BC
        case packed("ms"): return 1e6
        case packed("s"): return 1e9
        case packed("m"): return 60e9
        case packed("h"): return 3600e9
        default: return nil
        }
    }
}

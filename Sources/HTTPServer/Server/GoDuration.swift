// Parses the Go duration strings kube-apiserver puts in `?timeout=` (e.g. "10s", "1m30s", "500ms").

/// Go's `time.ParseDuration` subset for non-negative durations. Pure; any thread.
package enum GoDuration {
    /// Nanoseconds in `text`, or nil if it is not a valid non-negative duration below ~292 years.
    package static func nanoseconds(_ text: Substring) -> Int64? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        if bytes.count == 1 && bytes.first == UInt8(ascii: "0") { return 0 }
        guard !bytes.isEmpty else { return nil }
        var total: Double = 0
        while !bytes.isEmpty {
            var number: Double = 0
            var sawDigit = false
            while let b = bytes.first, b >= 48, b <= 57 {
                number = number * 10 + Double(b - 48); sawDigit = true; bytes = bytes.dropFirst()
            }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                var scale = 0.1
                while let b = bytes.first, b >= 48, b <= 57 {
                    number += Double(b - 48) * scale; scale /= 10; sawDigit = true; bytes = bytes.dropFirst()
                }
            }
            guard sawDigit else { return nil }
            var unit: [UInt8] = []
            while let b = bytes.first, !(b >= 48 && b <= 57), b != UInt8(ascii: ".") { unit.append(b); bytes = bytes.dropFirst() }
            let factor: Double
            switch String(decoding: unit, as: UTF8.self) {
            case "ns": factor = 1
            case "us", "µs", "μs": factor = 1e3
            case "ms": factor = 1e6
            case "s": factor = 1e9
            case "m": factor = 60e9
            case "h": factor = 3600e9
            default: return nil
            }
            total += number * factor
            guard total < 9.2e18 else { return nil }
        }
        return Int64(total)
    }
}

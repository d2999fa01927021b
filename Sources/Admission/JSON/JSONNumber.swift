// A JSON number kept exactly as its source text (RFC 8259 §6), with numeric views on demand.

/// A JSON number that keeps the exact text it was parsed from ("1e400", "0.50", "-0").
///
/// Owned by whoever holds the `JSONValue`; a value type, usable from any thread.
/// It deliberately does not normalise or round: equality (`==`) compares the text, so
/// "1.0" and "1" differ there; `isNumericallyEqual(to:)` compares the mathematical values
/// (RFC 6902 §4.6 `test`). It does not validate text given to `init(unchecked:)`.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number's text, exactly as in the source document (or as built).
    public let text: String

    /// Wraps text the caller guarantees to match the RFC 8259 §6 number grammar
    /// (the parser does; `init(_:)` for integers and `init?(text:)` check it).
    init(unchecked text: String) { self.text = text }

    /// Validates `text` against the RFC 8259 §6 number grammar; nil when it is not a JSON number.
    public init?(text: String) {
        guard JSONNumber.isValidText(text) else { return nil }
        self.text = text
    }

    public init(_ value: Int) { self.text = String(value) }
    public init(_ value: Int64) { self.text = String(value) }

    /// A finite `Double` written in Swift's shortest round-trip form; nil for NaN and infinities,
    /// which JSON cannot represent (RFC 8259 §6).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        var text = value.description  // e.g. "1.0", "1e-05", "5e+20"
        if text.hasSuffix(".0") { text.removeLast(2) }
        guard JSONNumber.isValidText(text) else { return nil }
        self.text = text
    }

    public var description: String { text }

    /// The value as an `Int64` when the text is an exact integer in range ("12", "-0", "1e3", "1.50e2");
    /// nil for fractions ("0.5") and out-of-range values.
    public var int64Value: Int64? {
        guard let decimal = DecimalParts(text) else { return nil }
        if decimal.digits.isEmpty { return 0 }
        // value = digits × 10^exponent; an exact integer needs exponent ≥ 0.
        guard decimal.exponent >= 0, decimal.exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for digit in decimal.digits {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            magnitude = sum
        }
        for _ in 0..<decimal.exponent {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = times10
        }
        if decimal.negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The nearest `Double` (Swift's correctly rounded conversion); ±infinity beyond its range
    /// ("1e400"), ±0 below it.
    public var doubleValue: Double {
        Double(text) ?? (text.hasPrefix("-") ? -Double.infinity : Double.infinity)
    }

    /// True when both numbers denote the same mathematical value, however written
    /// ("1", "1.0", "10e-1", "0.1e1"): the comparison RFC 6902 §4.6 asks of `test`.
    /// Exact for any length of digits; exponents are compared saturated at ±2^40.
    public func isNumericallyEqual(to other: JSONNumber) -> Bool {
        guard let a = DecimalParts(text), let b = DecimalParts(other.text) else { return text == other.text }
        if a.digits.isEmpty || b.digits.isEmpty { return a.digits.isEmpty && b.digits.isEmpty }  // -0 == 0
        return a.negative == b.negative && a.exponent == b.exponent && a.digits == b.digits
    }

    /// Checks the RFC 8259 §6 grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isValidText(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits(_ s: inout ArraySlice<UInt8>) -> Int {
            var n = 0
            while let b = s.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { s.removeFirst(); n += 1 }
            return n
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes.removeFirst()
        } else if digits(&bytes) == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            if digits(&bytes) == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            if digits(&bytes) == 0 { return false }
        }
        return bytes.isEmpty
    }
}

/// A number's text normalised to sign, significant digits (no leading or trailing zeros) and a
/// power-of-ten exponent, so that value = digits × 10^exponent. Internal to `JSONNumber`.
struct DecimalParts {
    var negative: Bool
    var digits: [UInt8]  // 0...9 each; empty for zero
    var exponent: Int

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var i = 0
        negative = bytes.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var all: [UInt8] = []
        var fractionDigits = 0
        var seenDot = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                all.append(b &- UInt8(ascii: "0"))
                if seenDot { fractionDigits += 1 }
            } else if b == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else {
                break
            }
            i += 1
        }
        guard !all.isEmpty else { return nil }
        var explicitExponent = 0
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var expNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < bytes.count else { return nil }
            let limit = 1 << 40  // saturate: such exponents are beyond any real use
            while i < bytes.count {
                let b = bytes[i]
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                if explicitExponent < limit { explicitExponent = explicitExponent * 10 + Int(b &- UInt8(ascii: "0")) }
                i += 1
            }
            if expNegative { explicitExponent = -explicitExponent }
        }
        // Strip leading zeros (they carry no value) and trailing zeros (they move into the exponent).
        var start = 0
        while start < all.count, all[start] == 0 { start += 1 }
        var end = all.count
        var trailing = 0
        while end > start, all[end - 1] == 0 { end -= 1; trailing += 1 }
        digits = Array(all[start..<end])
        exponent = explicitExponent - fractionDigits + trailing
        if digits.isEmpty { exponent = 0 }
    }
}

// Compact JSON output: RFC 8259 string escaping, numbers as their text, object order kept.

/// Writes a `JSONValue` as compact RFC 8259 JSON text (no insignificant whitespace).
///
/// Each write owns its output buffer; no shared state, any thread. Strings escape only what
/// RFC 8259 §7 requires (`"`, `\` and U+0000–U+001F, using the short forms where they exist);
/// `/` and non-ASCII stay as they are (UTF-8). Numbers are written as their stored text and
/// object members in their stored order, so parse → write reproduces compact input byte for byte
/// (apart from duplicate keys and escapes the parser decoded). It deliberately does not
/// pretty-print or sort keys. It recurses once per nesting level, which the parser bounds.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public static func write(_ value: JSONValue, reservingCapacity capacity: Int = 1024) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.append(value)
        return writer.bytes
    }

    public mutating func append(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
        case .bool(true): bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // true
        case .bool(false): bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // false
        case .number(let n): appendRaw(n.text)
        case .string(let s): append(string: s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            elements.withUnsafeBufferPointer { buffer in  // borrow elements: no copy per element
                for n in buffer.indices {
                    if n > 0 { bytes.append(UInt8(ascii: ",")) }
                    append(buffer[n])
                }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            object.members.withUnsafeBufferPointer { buffer in
                for n in buffer.indices {
                    if n > 0 { bytes.append(UInt8(ascii: ",")) }
                    append(string: buffer[n].key)
                    bytes.append(UInt8(ascii: ":"))
                    append(buffer[n].value)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `s` as a quoted JSON string (RFC 8259 §7).
    public mutating func append(string s: String) {
        bytes.append(UInt8(ascii: "\""))
        if s.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one go; escapes the rest.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var k = 0
        let count = utf8.count
        if let base = utf8.baseAddress {
            // Skip eight bytes at a time while none is '"', '\\' or below 0x20.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while k &+ 8 <= count {
                let word = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if special & highs != 0 { break }
                k &+= 8
            }
        }
        while k < count {
            let c = utf8[k]
            if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
                JSONWriter.appendEscape(c, to: &bytes)
                runStart = k + 1
            }
            k += 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
    }

    /// Appends `s` as it is: the caller guarantees it is valid JSON in its place (number text,
    /// punctuation and pre-rendered fragments, e.g. in log lines).
    public mutating func appendRaw(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: Array(s.utf8))
        }
    }

    private static func appendEscape(_ c: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(c)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      hex[Int(c >> 4)], hex[Int(c & 0x0F)]])
        }
    }
}

extension JSONValue {
    /// Compact JSON text of this value, as bytes.
    public func serialized() -> [UInt8] { JSONWriter.write(self) }

    /// Compact JSON text of this value.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

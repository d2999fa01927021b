// Compact JSON output: RFC 8259 string escaping, numbers as their text, object order kept.

/// Writes a `JSONValue` as compact RFC 8259 JSON text (no insignificant whitespace).
///
/// Each write owns its output buffer; no shared state, any thread. Strings escape only what
/// RFC 8259 §7 requires (`"`, `\` and U+0000–U+001F, using the short forms where they exist);
/// `/` and non-ASCII stay as they are (UTF-8). Numbers are written as their stored text and
/// object members in their stored order, so parse → write reproduces compact input byte for byte
/// (apart from duplicate keys and escapes the parser decoded). It also writes a JSON Pointer's
/// string form and (in `JSONPatchOperation.swift`) patch operations without first building a
/// `JSONValue`, for the patch of every mutating answer; its string escaping is shared, as
/// static functions, with `AdmissionReviewEncoder`. It deliberately does not pretty-print or
/// sort keys. It recurses once per nesting level, which the parser bounds.
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
        case .null: append(literal: "null")
        case .bool(true): append(literal: "true")
        case .bool(false): append(literal: "false")
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
        JSONWriter.appendQuoted(s, to: &bytes)
    }

    /// Appends the string form of `pointer` ("/a/b~1c", RFC 6901 §5) as a quoted JSON string,
    /// byte for byte what `append(string: pointer.description)` writes, without building that
    /// String: the patch of every mutating answer has one or two pointers per operation, and
    /// their `description` Strings were most of the cost of encoding it. Each token is escaped
    /// in one pass for both grammars: "~" and "/" take their RFC 6901 escape (from
    /// `JSONPointer.escapeCode(for:)`), `"`, `\` and control bytes their RFC 8259 one; the two
    /// sets are disjoint and neither escape produces a byte the other would rewrite.
    public mutating func append(pointer: JSONPointer) {
        bytes.append(UInt8(ascii: "\""))
        pointer.tokens.withUnsafeBufferPointer { tokens in  // borrow the tokens: no copy per token
            for n in tokens.indices {
                bytes.append(UInt8(ascii: "/"))
                if tokens[n].utf8.withContiguousStorageIfAvailable({ JSONWriter.appendPointerToken($0, to: &bytes) }) == nil {
                    Array(tokens[n].utf8).withUnsafeBufferPointer { JSONWriter.appendPointerToken($0, to: &bytes) }
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends fixed text as it stands: punctuation, member names and whole fragments such as
    /// `{"op":"add","path":`, which the caller has checked are valid JSON in their place.
    @inline(__always)
    mutating func append(literal text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `s` as it is: the caller guarantees it is valid JSON in its place (number text,
    /// punctuation and pre-rendered fragments, e.g. in log lines).
    public mutating func appendRaw(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: Array(s.utf8))
        }
    }

    // MARK: - The RFC 8259 §7 escaping, on a caller's buffer

    // These are static over an `inout [UInt8]` so that `AdmissionReviewEncoder`, which builds
    // its answer in a plain byte array, escapes in place with the same code instead of going
    // through a temporary writer and a second copy.

    /// True for the bytes a JSON string cannot hold as they are: `"`, `\` and U+0000–U+001F.
    @inline(__always)
    static func needsEscape(_ c: UInt8) -> Bool {
        c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\")
    }

    /// Appends `s` to `bytes` as a quoted JSON string (RFC 8259 §7).
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        if s.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &bytes) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendEscaped($0, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one go; escapes the rest.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
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
            if needsEscape(c) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
                appendEscape(c, to: &bytes)
                runStart = k + 1
            }
            k += 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
    }

    /// One unescaped pointer token, escaped for RFC 6901 and then for RFC 8259 (see
    /// `append(pointer:)`). Tokens are short member names, so a plain byte loop that copies the
    /// runs between escapes is enough.
    private static func appendPointerToken(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var runStart = 0
        for k in utf8.indices {
            let c = utf8[k]
            let code = JSONPointer.escapeCode(for: c)
            if code == nil && !needsEscape(c) { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
            if let code {
                bytes.append(UInt8(ascii: "~"))
                bytes.append(code)
            } else {
                appendEscape(c, to: &bytes)
            }
            runStart = k + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
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
            // \u00XX in lower-case hex; only reached for c < 0x20, so the first digit is 0 or 1.
            // Arithmetic rather than a table: no array to build or look up on this path.
            let low = c & 0x0F
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0") + (c >> 4))
            bytes.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }
}

extension JSONValue {
    /// Compact JSON text of this value, as bytes.
    public func serialized() -> [UInt8] { JSONWriter.write(self) }

    /// Compact JSON text of this value.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

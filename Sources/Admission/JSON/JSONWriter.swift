// Compact JSON output: RFC 8259 string escaping, numbers as their text, object order kept.

/// Writes a `JSONValue` as compact RFC 8259 JSON text (no insignificant whitespace).
///
/// Each write owns its output buffer; no shared state, any thread. Strings escape only what
/// RFC 8259 §7 requires (`"`, `\` and U+0000–U+001F, using the short forms where they exist);
/// `/` and non-ASCII stay as they are (UTF-8). Numbers are written as their stored text and
/// object members in their stored order, so parse → write reproduces compact input byte for byte
/// (apart from duplicate keys and escapes the parser decoded). It also writes a JSON Pointer's
/// string form and (in `JSONPatchOperation.swift`) patch operations without first building a
/// `JSONValue`, for the patch of every mutating answer. The writing code itself is static and
/// generic over `JSONByteSink`, so `JSONPatch.encoded()` and `AdmissionReviewEncoder` run the
/// same escaping into fixed memory (and to count bytes) as this type runs into its array. It
/// deliberately does not pretty-print or sort keys. It recurses once per nesting level, which
/// the parser bounds.
public struct JSONWriter {
    public internal(set) var bytes: [UInt8]

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
        JSONWriter.write(value, to: &bytes)
    }

    /// Appends `s` as a quoted JSON string (RFC 8259 §7).
    public mutating func append(string s: String) {
        JSONWriter.writeQuoted(s, to: &bytes)
    }

    /// Appends the string form of `pointer` ("/a/b~1c", RFC 6901 §5) as a quoted JSON string,
    /// byte for byte what `append(string: pointer.description)` writes (see
    /// `write(pointer:to:)`).
    public mutating func append(pointer: JSONPointer) {
        JSONWriter.write(pointer: pointer, to: &bytes)
    }

    /// Appends fixed text as it stands: punctuation, member names and whole fragments such as
    /// `{"op":"add","path":`, which the caller has checked are valid JSON in their place.
    @inline(__always)
    mutating func append(literal text: StaticString) {
        bytes.write(literal: text)
    }

    /// Appends `s` as it is: the caller guarantees it is valid JSON in its place (number text,
    /// punctuation and pre-rendered fragments, e.g. in log lines).
    public mutating func appendRaw(_ s: String) {
        bytes.write(utf8: s)
    }

    // MARK: - The writing code, on any sink

    // Static and generic over `JSONByteSink` so that one copy of the escaping serves the
    // growing `bytes` of a writer, the plain array `AdmissionReviewEncoder` used to build, and
    // the count-then-write passes that size the patch and the answer exactly: a count taken by
    // this code is the length this code writes.

    /// Writes `value` as compact JSON. Recurses once per nesting level, which the parser bounds.
    static func write<Sink: JSONByteSink>(_ value: JSONValue, to sink: inout Sink) {
        switch value {
        case .null: sink.write(literal: "null")
        case .bool(true): sink.write(literal: "true")
        case .bool(false): sink.write(literal: "false")
        case .number(let n): sink.write(utf8: n.text)
        case .string(let s): writeQuoted(s, to: &sink)
        case .array(let elements):
            sink.write(UInt8(ascii: "["))
            elements.withUnsafeBufferPointer { buffer in  // borrow elements: no copy per element
                for n in buffer.indices {
                    if n > 0 { sink.write(UInt8(ascii: ",")) }
                    write(buffer[n], to: &sink)
                }
            }
            sink.write(UInt8(ascii: "]"))
        case .object(let object):
            sink.write(UInt8(ascii: "{"))
            object.members.withUnsafeBufferPointer { buffer in
                for n in buffer.indices {
                    if n > 0 { sink.write(UInt8(ascii: ",")) }
                    writeQuoted(buffer[n].key, to: &sink)
                    sink.write(UInt8(ascii: ":"))
                    write(buffer[n].value, to: &sink)
                }
            }
            sink.write(UInt8(ascii: "}"))
        }
    }

    /// Writes the string form of `pointer` ("/a/b~1c", RFC 6901 §5) as a quoted JSON string,
    /// byte for byte what `writeQuoted(pointer.description)` writes, without building that
    /// String: the patch of every mutating answer has one or two pointers per operation, and
    /// their `description` Strings were most of the cost of encoding it. Each token is escaped
    /// in one pass for both grammars: "~" and "/" take their RFC 6901 escape (from
    /// `JSONPointer.escapeCode(for:)`), `"`, `\` and control bytes their RFC 8259 one; the two
    /// sets are disjoint and neither escape produces a byte the other would rewrite.
    @inline(__always)
    static func write<Sink: JSONByteSink>(pointer: JSONPointer, to sink: inout Sink) {
        sink.write(UInt8(ascii: "\""))
        writeUnquoted(pointer: pointer, to: &sink)
        sink.write(UInt8(ascii: "\""))
    }

    /// `write(pointer:to:)` without the quotes around it: for writers that join them to the
    /// fixed text before and after (the operation writer's `{"op":"add","path":"`), one write
    /// instead of two. Inlined into the operation writer (encode 6,220 → 6,139 instructions
    /// per review, when it was still `write(pointer:to:)`).
    @inline(__always)
    static func writeUnquoted<Sink: JSONByteSink>(pointer: JSONPointer, to sink: inout Sink) {
        // A static path's text, escaped once (`JSONPath.pointer`), read in place.
        if pointer.text?.withUnsafeBufferPointer({ sink.write($0) }) != nil { return }
        pointer.tokens.withUnsafeBufferPointer { tokens in  // borrow the tokens: no copy per token
            for n in tokens.indices {
                sink.write(UInt8(ascii: "/"))
                withUTF8(tokens[n]) { writeEscaped($0, pointerToken: true, to: &sink) }
            }
        }
    }

    // MARK: - The RFC 8259 §7 escaping

    /// Appends `s` to `bytes` as a quoted JSON string (RFC 8259 §7).
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        writeQuoted(s, to: &bytes)
    }

    /// Writes `s` as a quoted JSON string (RFC 8259 §7). Inlined into its callers, a handful
    /// of member and value writers, which saves a call and the sink's spills per string
    /// (encode 6,358 → 6,278 instructions per review); the escaping stays in one closure.
    @inline(__always)
    static func writeQuoted<Sink: JSONByteSink>(_ s: String, to sink: inout Sink) {
        sink.write(UInt8(ascii: "\""))
        withUTF8(s) { writeEscaped($0, pointerToken: false, to: &sink) }
        sink.write(UInt8(ascii: "\""))
    }

    /// Writes `utf8` with the bytes that need it escaped: for RFC 8259 only, or (`pointerToken`)
    /// first for RFC 6901 and then RFC 8259. The runs in between, which are all of a usual
    /// string, are copied whole; `pointerToken` is a constant at every call, so each use gets
    /// its own loop after inlining.
    @inline(__always)
    static func writeEscaped<Sink: JSONByteSink>(_ utf8: UnsafeBufferPointer<UInt8>, pointerToken: Bool, to sink: inout Sink) {
        let count = utf8.count
        var runStart = 0
        while true {
            let k = firstEscape(in: utf8, from: runStart, pointerToken: pointerToken)
            guard k < count else { break }
            sink.write(UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
            let c = utf8[k]
            if pointerToken, let code = JSONPointer.escapeCode(for: c) {
                sink.write(UInt8(ascii: "~"))
                sink.write(code)
            } else {
                writeEscape(c, to: &sink)
            }
            runStart = k + 1
        }
        sink.write(UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
    }

    /// The index of the first byte at or after `from` that `writeEscaped` must rewrite, or
    /// `utf8.count`. Tests eight bytes at a time and takes the index from the lowest flagged
    /// byte of the first word with one (see `escapeFlags`) rather than rescanning that word
    /// byte by byte (per review of the reference review, encode 7,124 → 7,107 instructions).
    /// The last one to seven bytes of a span of eight or more are tested as the word ending at
    /// the end (5,862 → 5,808); those of a shorter span one by one. (Testing those too as one
    /// word, of two overlapping 4- or 2-byte loads, cost more than the byte loop for the short
    /// tokens and member names: 7,107 → 7,175, so it was not kept.)
    @inline(__always)
    private static func firstEscape(in utf8: UnsafeBufferPointer<UInt8>, from: Int, pointerToken: Bool) -> Int {
        let count = utf8.count
        var k = from
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            // In bounds: each load reads `k ..< k + 8` while `count - k >= 8`.
            while count &- k >= 8 {
                let flags = escapeFlags(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)), pointerToken: pointerToken)
                if flags != 0 { return k &+ flags.trailingZeroBitCount &>> 3 }
                k &+= 8
            }
            if k > from, k < count {
                // After a word, the 1 to 7 bytes left are tested as the word ending at
                // `count` (in bounds: `count - 8 >= from`); its bytes before `k` were found
                // clean, so its lowest flag is the first byte to escape at or after `k`.
                let flags = escapeFlags(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)), pointerToken: pointerToken)
                return flags != 0 ? count &- 8 &+ flags.trailingZeroBitCount &>> 3 : count
            }
        }
        while k < count {
            let c = utf8[k]
            if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return k }
            if pointerToken, JSONPointer.escapeCode(for: c) != nil { return k }
            k &+= 1
        }
        return count
    }

    /// The high bit of each byte of `word` (little-endian, first byte lowest) that
    /// `writeEscaped` must rewrite, possibly with false ones above the first true one; zero
    /// when there is none. Each test is the "has a byte equal to / below" word trick, whose
    /// borrows only run upwards from a true match: so every such byte is flagged and the
    /// lowest flag (the `trailingZeroBitCount`) is always a true one.
    @inline(__always)
    private static func escapeFlags(_ word: UInt64, pointerToken: Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        @inline(__always) func hasByte(_ byte: UInt8) -> UInt64 {
            let x = word ^ (ones &* UInt64(byte))
            return (x &- ones) & ~x
        }
        // `"` and the control bytes in one test: flipping bit 1 of every byte maps `"` (0x22)
        // to 0x20 and U+0000–U+001F onto themselves, and no other byte below 0x21, so "below
        // 0x21" after the flip is exactly those (one test fewer per word: encode 6,139 → 5,862
        // instructions per review).
        let flipped = word ^ (ones &* 0x02)
        var flags = ((flipped &- ones &* 0x21) & ~flipped) | hasByte(UInt8(ascii: "\\"))
        if pointerToken { flags |= hasByte(UInt8(ascii: "~")) | hasByte(UInt8(ascii: "/")) }
        return flags & 0x8080_8080_8080_8080
    }

    private static func writeEscape<Sink: JSONByteSink>(_ c: UInt8, to sink: inout Sink) {
        sink.write(UInt8(ascii: "\\"))
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): sink.write(c)
        case 0x08: sink.write(UInt8(ascii: "b"))
        case 0x0C: sink.write(UInt8(ascii: "f"))
        case 0x0A: sink.write(UInt8(ascii: "n"))
        case 0x0D: sink.write(UInt8(ascii: "r"))
        case 0x09: sink.write(UInt8(ascii: "t"))
        default:
            // \u00XX in lower-case hex; only reached for c < 0x20, so the first digit is 0 or 1.
            // Arithmetic rather than a table: no array to build or look up on this path.
            let low = c & 0x0F
            sink.write(UInt8(ascii: "u"))
            sink.write(UInt8(ascii: "0"))
            sink.write(UInt8(ascii: "0"))
            sink.write(UInt8(ascii: "0") + (c >> 4))
            sink.write(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }
}

extension JSONValue {
    /// Compact JSON text of this value, as bytes.
    public func serialized() -> [UInt8] { JSONWriter.write(self) }

    /// Compact JSON text of this value.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}

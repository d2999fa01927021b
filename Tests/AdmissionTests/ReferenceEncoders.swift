// The encoder side as it was before the single-buffer rewrite: the reference the new code is compared with.
@testable import Admission

// Copied from the sources at 9ab5fae (JSONWriter, the patch operation writer, JSONPatch.encoded,
// Base64.encode and AdmissionReviewEncoder.encode), renamed and otherwise unchanged, so the
// differential tests compare today's bytes with the bytes these wrote.

/// The previous `JSONWriter`. A value owned by one test; any thread.
struct ReferenceJSONWriter {
    private(set) var bytes: [UInt8]

    init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    static func write(_ value: JSONValue, reservingCapacity capacity: Int = 1024) -> [UInt8] {
        var writer = ReferenceJSONWriter(reservingCapacity: capacity)
        writer.append(value)
        return writer.bytes
    }

    mutating func append(_ value: JSONValue) {
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
    mutating func append(string s: String) {
        ReferenceJSONWriter.appendQuoted(s, to: &bytes)
    }

    /// Appends the string form of `pointer` ("/a/b~1c", RFC 6901 §5) as a quoted JSON string,
    /// byte for byte what `append(string: pointer.description)` writes, without building that
    /// String: the patch of every mutating answer has one or two pointers per operation, and
    /// their `description` Strings were most of the cost of encoding it. Each token is escaped
    /// in one pass for both grammars: "~" and "/" take their RFC 6901 escape (from
    /// `JSONPointer.escapeCode(for:)`), `"`, `\` and control bytes their RFC 8259 one; the two
    /// sets are disjoint and neither escape produces a byte the other would rewrite.
    mutating func append(pointer: JSONPointer) {
        bytes.append(UInt8(ascii: "\""))
        pointer.tokens.withUnsafeBufferPointer { tokens in  // borrow the tokens: no copy per token
            for n in tokens.indices {
                bytes.append(UInt8(ascii: "/"))
                if tokens[n].utf8.withContiguousStorageIfAvailable({ ReferenceJSONWriter.appendPointerToken($0, to: &bytes) }) == nil {
                    Array(tokens[n].utf8).withUnsafeBufferPointer { ReferenceJSONWriter.appendPointerToken($0, to: &bytes) }
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
    mutating func appendRaw(_ s: String) {
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
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
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
    static func appendPointerToken(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
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

    static func appendEscape(_ c: UInt8, to bytes: inout [UInt8]) {
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

extension ReferenceJSONWriter {
    /// Appends `operation` as a compact JSON object, byte for byte `append(operation.jsonValue)`:
    /// members in the order `op`, `from`, `path`, `value`, pointers in their RFC 6901 string
    /// form. Written directly because building the `JSONValue` object (and a `description`
    /// String per pointer) for every operation of every answer cost more than writing it; the
    /// fixed start of each kind (`{"op":"add","path":`) is one literal. The tests compare the
    /// two forms for every kind of operation, so a change to one must be made to the other.
    mutating func append(_ operation: JSONPatchOperation) {
        switch operation {
        case .add(let path, let value):
            append(literal: #"{"op":"add","path":"#)
            append(pointer: path)
            append(literal: #","value":"#)
            append(value)
        case .remove(let path):
            append(literal: #"{"op":"remove","path":"#)
            append(pointer: path)
        case .replace(let path, let value):
            append(literal: #"{"op":"replace","path":"#)
            append(pointer: path)
            append(literal: #","value":"#)
            append(value)
        case .move(let from, let path):
            append(literal: #"{"op":"move","from":"#)
            append(pointer: from)
            append(literal: #","path":"#)
            append(pointer: path)
        case .copy(let from, let path):
            append(literal: #"{"op":"copy","from":"#)
            append(pointer: from)
            append(literal: #","path":"#)
            append(pointer: path)
        case .test(let path, let value):
            append(literal: #"{"op":"test","path":"#)
            append(pointer: path)
            append(literal: #","value":"#)
            append(value)
        }
        append(literal: "}")
    }
}

extension JSONPatch {
    func referenceEncoded() -> [UInt8] {
        var writer = ReferenceJSONWriter(reservingCapacity: referenceEstimatedEncodedCount)
        writer.append(literal: "[")
        operations.withUnsafeBufferPointer { operations in  // borrow: no copy per operation
            for n in operations.indices {
                if n > 0 { writer.append(literal: ",") }
                writer.append(operations[n])
            }
        }
        writer.append(literal: "]")
        return writer.bytes
    }

    /// A cheap upper-ish guess at `encoded().count`, so the buffer is usually allocated once:
    /// the fixed text of each operation, its pointers' token bytes plus a "/" each, and string
    /// values' length; other values are guessed, and escapes are not counted (the buffer grows
    /// if the guess is short, which costs a copy, never a wrong byte).
    var referenceEstimatedEncodedCount: Int {
        func pointerCount(_ pointer: JSONPointer) -> Int {
            pointer.tokens.reduce(2) { $0 + 1 + $1.utf8.count }
        }
        func valueCount(_ value: JSONValue) -> Int {
            if case .string(let s) = value { return s.utf8.count + 2 }
            return 32
        }
        var count = 2
        for operation in operations {
            count += 34  // the longest fixed text: `{"op":"replace","path":,"value":}` and a ","
            switch operation {
            case .add(let path, let value), .replace(let path, let value), .test(let path, let value):
                count += pointerCount(path) + valueCount(value)
            case .remove(let path):
                count += pointerCount(path)
            case .move(let from, let path), .copy(let from, let path):
                count += pointerCount(from) + pointerCount(path)
            }
        }
        return count
    }
}

/// The previous base64 encoder. Stateless; any thread.
enum ReferenceBase64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The number of characters `encode` produces for `count` input bytes.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `bytes`, appending the ASCII characters to `output`.
    static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let count = bytes.count
        let start = output.count
        let produced = encodedCount(count)
        guard produced > 0 else { return }
        output.append(contentsOf: repeatElement(0, count: produced))
        output.withUnsafeMutableBufferPointer { out in
            alphabet.withUnsafeBufferPointer { table in
                var i = 0
                var o = start
                while i + 3 <= count {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 0x3F)]
                    out[o + 2] = table[Int(n >> 6 & 0x3F)]
                    out[o + 3] = table[Int(n & 0x3F)]
                    i += 3
                    o += 4
                }
                let rest = count - i
                if rest > 0 {
                    let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    out[o] = table[Int(n >> 18)]
                    out[o + 1] = table[Int(n >> 12 & 0x3F)]
                    out[o + 2] = rest == 2 ? table[Int(n >> 6 & 0x3F)] : UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    static func encode(_ bytes: [UInt8], appendingTo output: inout [UInt8]) {
        bytes.withUnsafeBytes { encode($0, appendingTo: &output) }
    }
}

/// The previous `AdmissionReviewEncoder.encode`. Stateless; any thread.
enum ReferenceAdmissionReviewEncoder {
    static func encode(_ response: AdmissionResponse, apiVersion: String) -> [UInt8] {
        // The patch's JSON is the one intermediate buffer: its base64 length must be known to
        // reserve the answer's capacity once, and the base64 text is then written straight
        // into the answer.
        var patchJSON: [UInt8] = []
        if let patch = response.patch, !patch.isEmpty {
            patchJSON = patch.referenceEncoded()
        }
        var out: [UInt8] = []
        out.reserveCapacity(160 + apiVersion.utf8.count + response.uid.utf8.count + ReferenceBase64.encodedCount(patchJSON.count)
                            + (response.status.map { $0.message.utf8.count + $0.reason.utf8.count } ?? 0)
                            + response.warnings.reduce(0) { $0 + $1.utf8.count + 3 })
        out.referenceAppend(literal: "{\"apiVersion\":")
        out.referenceAppend(jsonString: apiVersion)
        out.referenceAppend(literal: ",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":")
        out.referenceAppend(jsonString: response.uid)
        if response.allowed { out.referenceAppend(literal: ",\"allowed\":true") } else { out.referenceAppend(literal: ",\"allowed\":false") }
        if let status = response.status ?? (response.allowed ? nil : AdmissionReviewEncoder.defaultDenial) {
            out.referenceAppend(literal: ",\"status\":{\"metadata\":{},\"status\":")
            if response.allowed { out.referenceAppend(literal: "\"Success\"") } else { out.referenceAppend(literal: "\"Failure\"") }
            out.referenceAppend(literal: ",\"message\":")
            out.referenceAppend(jsonString: status.message)
            out.referenceAppend(literal: ",\"reason\":")
            out.referenceAppend(jsonString: status.reason)
            out.referenceAppend(literal: ",\"code\":")
            out.referenceAppend(jsonInteger: status.code)
            out.append(UInt8(ascii: "}"))
        }
        if !patchJSON.isEmpty {
            out.referenceAppend(literal: ",\"patchType\":\"JSONPatch\",\"patch\":\"")
            ReferenceBase64.encode(patchJSON, appendingTo: &out)  // base64: nothing to escape
            out.append(UInt8(ascii: "\""))
        }
        if !response.warnings.isEmpty {
            out.referenceAppend(literal: ",\"warnings\":[")
            for (n, warning) in response.warnings.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                out.referenceAppend(jsonString: warning)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.referenceAppend(literal: "}}")
        return out
    }
}

extension [UInt8] {
    mutating func referenceAppend(literal text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func referenceAppend(jsonInteger value: Int) {
        var text = String(value)
        text.withUTF8 { append(contentsOf: $0) }
    }

    mutating func referenceAppend(jsonString s: String) {
        ReferenceJSONWriter.appendQuoted(s, to: &self)
    }
}

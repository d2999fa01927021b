// RFC 4648 §4 base64 (standard alphabet, with padding): the encoding of `response.patch`.

/// Base64 encoding and strict decoding, RFC 4648 §4 (alphabet `A–Z a–z 0–9 + /`, `=` padding).
///
/// Stateless functions; any thread. Used by `AdmissionReviewEncoder` on the hot path (the
/// patch of every mutating answer) and by `decodeResponse` to read a patch back. Decoding is
/// strict: it rejects (returns nil) input whose length is not a multiple of four, any byte
/// outside the alphabet (including whitespace and line breaks, RFC 4648 §3.3), padding that is
/// not at the end, and non-zero bits in the last character before the padding (non-canonical,
/// RFC 4648 §3.5). It deliberately does not support the URL-safe alphabet or unpadded input.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0–63 for an alphabet byte, 0xFF for anything else (including `=`).
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// The number of characters `encode` produces for `count` input bytes.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `bytes`, appending the ASCII characters to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
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

    /// Encodes `bytes`, appending the ASCII characters to `output`: what the encoder uses to
    /// put the patch straight into the answer, with no array for the base64 text on its own.
    /// Reserve `encodedCount(bytes.count)` more in `output` beforehand to avoid a regrowth.
    public static func encode(_ bytes: [UInt8], appendingTo output: inout [UInt8]) {
        bytes.withUnsafeBytes { encode($0, appendingTo: &output) }
    }

    /// The base64 text of `bytes`, as ASCII bytes.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encodedCount(bytes.count))
        bytes.withUnsafeBytes { encode($0, appendingTo: &output) }
        return output
    }

    /// The base64 text of `bytes`.
    public static func encodeToString(_ bytes: [UInt8]) -> String {
        String(decoding: encode(bytes), as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not canonical padded base64.
    public static func decode(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        guard count > 0 else { return [] }
        let equals = UInt8(ascii: "=")
        var padding = 0
        if text[count - 1] == equals { padding = text[count - 2] == equals ? 2 : 1 }
        var output = [UInt8](repeating: 0, count: count / 4 * 3 - padding)
        let ok: Bool = output.withUnsafeMutableBufferPointer { out in
            decodeTable.withUnsafeBufferPointer { table in
                var i = 0
                var o = 0
                let fullQuads = padding == 0 ? count : count - 4
                while i < fullQuads {
                    let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                    let c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { return false }
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: n >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: n)
                    i += 4
                    o += 3
                }
                guard padding > 0 else { return true }
                let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                let c = padding == 1 ? table[Int(text[i + 2])] : 0
                if (a | b | c) & 0xC0 != 0 { return false }
                let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                out[o] = UInt8(truncatingIfNeeded: n >> 16)
                if padding == 1 {
                    out[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    return n & 0xFF == 0  // RFC 4648 §3.5: the pad bits must be zero
                }
                return n & 0xFFFF == 0
            }
        }
        return ok ? output : nil
    }

    /// The bytes `text` encodes, or nil when it is not canonical padded base64.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        text.withUnsafeBytes { decode($0) }
    }

    /// The bytes `text` encodes, or nil when it is not canonical padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var copy = text
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }
}

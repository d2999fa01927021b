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

    /// The two characters of every 12-bit value, first character in the low byte: one lookup
    /// and one two-byte store per half of a 3-byte group instead of two of each. 8 KiB, built
    /// on first use.
    private static let pairs: [UInt16] = (0..<4096).map { n in
        UInt16(alphabet[n >> 6]) | UInt16(alphabet[n & 0x3F]) << 8
    }

    /// Encodes `bytes` into the first `encodedCount(bytes.count)` bytes of `output` (the hot
    /// path: the answer's patch, written straight into the answer). False, with nothing
    /// written, when `output` is shorter than that.
    @discardableResult
    public static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard output.count >= encodedCount(count) else { return false }
        guard count > 0, let input = bytes.baseAddress, let out = output.baseAddress else { return true }
        pairs.withUnsafeBufferPointer { pairs in
            // In bounds: every table index is masked to 12 bits (`pairs` has 4096 entries);
            // `o == i / 3 * 4` throughout, so a round that reads `i ..< i + 26`,
            // `i ..< i + 14`, `i ..< i + 8` (only while that is within `count`) or
            // `i ..< i + 3` writes below `(i + 24) / 3 * 4`, `(i + 12) / 3 * 4`,
            // `(i + 6) / 3 * 4` or `(i + 3) / 3 * 4`, all at most `encodedCount(count)`, which
            // `output` holds.
            @inline(__always) func store(_ n: UInt64, _ o: Int) {
                UnsafeMutableRawPointer(out + o).storeBytes(of: pairs[Int(truncatingIfNeeded: n & 0xFFF)].littleEndian, as: UInt16.self)
            }
            // The top 48 bits of `word` (two 3-byte groups, first input byte on top) as eight
            // characters at `o`: four 12-bit halves.
            @inline(__always) func storeSix(_ word: UInt64, _ o: Int) {
                store(word >> 52, o)
                store(word >> 40, o &+ 2)
                store(word >> 28, o &+ 4)
                store(word >> 16, o &+ 6)
            }
            var i = 0
            var o = 0
            while count &- i >= 26 {
                // Four rounds of the loop below at once (its reads end at `i + 26`): a quarter
                // of the loop overhead per byte (encode 6,629 → 6,567 instructions per review of
                // the reference review, whose patch is 319 bytes).
                storeSix(UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self)), o)
                storeSix(UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i &+ 6, as: UInt64.self)), o &+ 8)
                storeSix(UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i &+ 12, as: UInt64.self)), o &+ 16)
                storeSix(UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i &+ 18, as: UInt64.self)), o &+ 24)
                i &+= 24
                o &+= 32
            }
            while count &- i >= 14 {
                // Two rounds of the loop below at once (its reads end at `i + 14`): half the
                // loop overhead per byte.
                let first = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let second = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i &+ 6, as: UInt64.self))
                storeSix(first, o)
                storeSix(second, o &+ 8)
                i &+= 12
                o &+= 16
            }
            while count &- i >= 8 {
                // Big-endian, the first input byte is the top byte: the six used bytes are the
                // top 48 bits.
                storeSix(UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self)), o)
                i &+= 6
                o &+= 8
            }
            while count &- i >= 3 {
                let n = UInt64(input.load(fromByteOffset: i, as: UInt8.self)) << 16
                    | UInt64(input.load(fromByteOffset: i &+ 1, as: UInt8.self)) << 8
                    | UInt64(input.load(fromByteOffset: i &+ 2, as: UInt8.self))
                store(n >> 12, o)
                store(n, o &+ 2)
                i &+= 3
                o &+= 4
            }
            let rest = count &- i
            if rest > 0 {
                // One or two bytes left: two or three characters, then "=" padding to four.
                let second = rest == 2 ? UInt64(input.load(fromByteOffset: i &+ 1, as: UInt8.self)) << 8 : 0
                let n = UInt64(input.load(fromByteOffset: i, as: UInt8.self)) << 16 | second
                store(n >> 12, o)
                let last = pairs[Int(truncatingIfNeeded: n & 0xFFF)]
                out[o &+ 2] = rest == 2 ? UInt8(truncatingIfNeeded: last) : UInt8(ascii: "=")
                out[o &+ 3] = UInt8(ascii: "=")
            }
        }
        return true
    }

    /// Encodes `bytes`, appending the ASCII characters to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let start = output.count
        let produced = encodedCount(bytes.count)
        guard produced > 0 else { return }
        output.append(contentsOf: repeatElement(0, count: produced))
        _ = output.withUnsafeMutableBufferPointer { out in
            encode(bytes, into: UnsafeMutableBufferPointer(rebasing: out[start...]))
        }
    }

    /// Encodes `bytes`, appending the ASCII characters to `output`. Reserve
    /// `encodedCount(bytes.count)` more in `output` beforehand to avoid a regrowth.
    public static func encode(_ bytes: [UInt8], appendingTo output: inout [UInt8]) {
        bytes.withUnsafeBytes { encode($0, appendingTo: &output) }
    }

    /// The base64 text of `bytes`, as ASCII bytes.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let produced = encodedCount(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: produced) { buffer, initialized in
            initialized = bytes.withUnsafeBytes { encode($0, into: buffer) } ? produced : 0
        }
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

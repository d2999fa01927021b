// A fixed-seed generator of JSON texts (valid, and mutated into mostly invalid) for differential tests.

/// Generates JSON text with random nesting, whitespace, escapes, non-ASCII and astral
/// characters (raw and as surrogate-pair escapes) and every number form, from a fixed seed.
/// Owned by one test; not shared. It never emits canonically equivalent key pairs or numbers
/// beyond Double's range (see `JSONDifferentialTests` for why).
struct JSONTextGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func document(mutate: Bool) -> [UInt8] {
        var out: [UInt8] = []
        value(into: &out, depth: 0)
        whitespace(into: &out)
        if mutate { self.mutate(&out) }
        return out
    }

    private mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    private mutating func whitespace(into out: inout [UInt8]) {
        guard pick(4) == 0 else { return }
        for _ in 0..<pick(3) { out.append([0x20, 0x09, 0x0A, 0x0D][pick(4)]) }
    }

    private mutating func value(into out: inout [UInt8], depth: Int) {
        whitespace(into: &out)
        let choice = depth > 6 ? 3 + pick(5) : pick(8)
        switch choice {
        case 0, 1:
            out.append(UInt8(ascii: "["))
            let n = pick(5)
            for i in 0..<n {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                value(into: &out, depth: depth + 1)
            }
            whitespace(into: &out)
            out.append(UInt8(ascii: "]"))
        case 2:
            out.append(UInt8(ascii: "{"))
            let n = pick(5)
            for i in 0..<n {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                whitespace(into: &out)
                string(into: &out, key: i)
                whitespace(into: &out)
                out.append(UInt8(ascii: ":"))
                value(into: &out, depth: depth + 1)
            }
            whitespace(into: &out)
            out.append(UInt8(ascii: "}"))
        case 3, 4: string(into: &out, key: nil)
        case 5, 6: number(into: &out)
        default: out += Array(["true", "false", "null"][pick(3)].utf8)
        }
        whitespace(into: &out)
    }

    private mutating func string(into out: inout [UInt8], key: Int?) {
        out.append(UInt8(ascii: "\""))
        if let key { out += Array("k\(key)".utf8) }  // distinct keys, so no normalisation collisions
        for _ in 0..<pick(12) {
            switch pick(10) {
            case 0: out += Array(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][pick(8)].utf8)
            case 1: out += Array(["\\u00e9", "\\u0041", "\\u4E2D", "\\u0000", "\\u001f", "\\uFFFD", "\\u2028"][pick(7)].utf8)
            case 2: out += Array(["\\uD83D\\uDE00", "\\ud834\\udd1e", "\\uDBFF\\uDFFF", "\\uD800\\uDC00"][pick(4)].utf8)
            case 3: out += Array(["é", "中", "😀", "𝄞", "\u{10FFFF}", "\u{7F}", "\u{80}", "\u{FFFF}"][pick(8)].utf8)
            default: out.append(UInt8(ascii: "a") + UInt8(pick(26)))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func number(into out: inout [UInt8]) {
        var text = pick(3) == 0 ? "-" : ""
        text += pick(4) == 0 ? "0" : String(1 + pick(9)) + String(repeating: "7", count: pick(6))
        if pick(3) == 0 { text += "." + String(pick(1000)) }
        if pick(4) == 0 { text += ["e", "E"][pick(2)] + ["", "+", "-"][pick(3)] + String(pick(30)) }
        out += Array(text.utf8)
    }

    /// One edit that usually breaks the text: truncate, drop, duplicate or insert a byte that is
    /// special somewhere in JSON (structure, quotes, escapes, control, invalid UTF-8 leads).
    private mutating func mutate(_ out: inout [UInt8]) {
        guard !out.isEmpty else { return }
        let at = pick(out.count)
        let specials: [UInt8] = [0x2C, 0x5D, 0x7D, 0x5B, 0x7B, 0x22, 0x5C, 0x3A, 0x00, 0x1F, 0x80, 0xC0, 0xED, 0xF5, 0xFF,
                                 0x30, 0x2B, 0x2E, 0x65, 0x2D, 0x20, 0x75, 0x78]
        switch pick(4) {
        case 0: out.removeSubrange(at...)
        case 1: out.remove(at: at)
        case 2: out.insert(out[at], at: at)
        default: out.insert(specials[pick(specials.count)], at: at)
        }
    }
}

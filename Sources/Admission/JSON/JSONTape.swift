// The parser's output: a flat tape of entries indexing the input bytes, built in one pass.

internal import CJSONScan

/// One parsed value, as 16 bytes on the tape. Scalars point into the input; a container is
/// followed by its contents (an object's members as key entry, value entries) and knows where
/// they end, so a reader can skip a whole subtree in one step.
///
/// Built only by `JSONParser.parseTape`; read by `JSONDocument`, `JSONView` and the
/// `JSONValue` materialiser. A plain value; any thread.
@usableFromInline
struct JSONTapeEntry: Sendable {
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    @usableFromInline var kind: Kind
    /// Strings: the text contains at least one escape (decode before use).
    /// Bools: the value is `true`.
    var flag: Bool
    /// Strings: offset of the first byte after the opening quote. Numbers: offset of the first
    /// character. Containers and literals: offset of the opening byte.
    var start: UInt32
    /// Strings: offset of the closing quote. Numbers: offset after the last character.
    /// Containers: the number of members or elements.
    var end: UInt32
    /// Index of the entry after this value and everything inside it.
    var next: UInt32
}

extension JSONParser {
    /// The largest input the tape can index (offsets are 32-bit; kube-apiserver bodies are
    /// bounded far below this by the server's body limit).
    static let tapeByteLimit = Int(UInt32.max) - 1

    /// Inputs whose most entries (`boundedTapeCapacity`) fit in this many get a tape with room
    /// for all of them, so `parseTape` makes no room check per value (measured: 44,463 →
    /// 43,102 instructions per 3.6 KB review; the check's capacity no longer took a register
    /// in the loop). That tape is reserved at eight bytes per input byte and trimmed once built
    /// (`JSONTapeBuilder.finished`). The limit, 120 KiB of entries, keeps the reservation
    /// under glibc's default mmap threshold (128 KiB): it then comes from the heap, where its
    /// untouched part costs nothing. Reserved for inputs up to 2 MiB, a large review's tape was
    /// mapped afresh on every parse and faulted in page by page: 420 page faults and a
    /// mmap/mremap/munmap per 1 MB review, 1,448 reviews/s against 2,409 before (fewer
    /// instructions, 40 % slower). Larger inputs grow their tape from a guess, checked per value.
    static let boundedTapeEntryLimit = 7_680

    /// The largest input that gets the bounded tape at `defaultMaxDepth`: 14,843 bytes, the
    /// last size for which `boundedTapeCapacity` is within `boundedTapeEntryLimit`.
    static let boundedTapeInputLimit = (boundedTapeEntryLimit - 3) * 2 + 1 - defaultMaxDepth

    /// Whether an input of `count` bytes parsed with `maxDepth` gets the bounded tape.
    static func usesBoundedTape(_ count: Int, maxDepth: Int) -> Bool {
        boundedTapeCapacity(count, maxDepth: maxDepth) <= boundedTapeEntryLimit
    }

    /// Room for every entry an input of `count` bytes nested at most `maxDepth` deep can put
    /// on the tape, with the two-entry slack `parseTape`'s appends assume. At the top of the
    /// value loop, with `i` at the next value (or key), the entries so far have distinct first
    /// bytes before `i`, and every entry but the root and each container's first child has a
    /// ',' or ':' of its own before `i`, as has every closed non-empty container its closer:
    /// so `i >= 2 * entries - 1 - open`, with `open <= maxDepth` non-empty containers still
    /// open. One iteration appends at most two entries, with `i < count`; hence
    /// `entries + 2 <= (count + maxDepth) / 2 + 2`.
    static func boundedTapeCapacity(_ count: Int, maxDepth: Int) -> Int {
        (count + maxDepth) / 2 + 3
    }

    /// Parses the whole input into a tape (RFC 8259, the choices listed on `JSONParser`);
    /// `capacity` is the first guess at its entry count, or with `bounded` the room it can need
    /// at most (`boundedTapeCapacity`, for inputs up to `boundedTapeInputLimit`), in which
    /// case no room is checked while parsing. Two specialisations of one loop: `bounded` is a
    /// constant in each caller (`@inline(__always)`), and its checks fold away.
    /// Iterative, and with no stack of its own: while a container is open, its tape entry's
    /// `next` holds the enclosing container's index (overwritten with its final value when it
    /// closes) and its `end` counts its members as they complete, in place (a register for
    /// the count cost more in spills than the memory increment: 21,281 → 20,644 instructions
    /// per 3.6 KB review).
    /// Each value is one entry; nothing else is allocated (escaped strings are checked, not
    /// decoded, here). The cursor, the input's base and end live in locals for the hot loop;
    /// every read is checked against `end` first. Error messages are built out of line.
    @inline(__always)
    mutating func parseTape(capacity: Int, bounded: Bool) throws(JSONParseError) -> JSONTapeBuilder {
        // A local (not an inout parameter), so its fields stay in registers in the loop. Made
        // before the input checks: measured, the loop's registers come out better this way
        // (about 700 fewer instructions per 3.6 KB review); the checks rarely fail.
        var tape = JSONTapeBuilder(capacity: capacity)
        guard end <= JSONParser.tapeByteLimit else { throw fail(0, "document larger than 4 GiB") }
        guard let p = bytes.baseAddress, end > 0 else { throw JSONParser.endOfInput(at: 0, expecting: "a value") }
        let end = self.end
        var i = 0
        // The innermost open container: `container` is its entry's byte offset from the tape's
        // first entry (index times 16), so counting a member, reading its kind and closing it
        // are each one access (its kind read from the tape, not kept in a bit of `container`:
        // 42,400 → 41,877 instructions per 3.6 KB review). At top level it is -16: the
        // builder's sentinel slot before the first entry, an array, so "is the container an
        // object" needs no top-level test. `depthLeft` counts how many more may open: one
        // register for the depth and the limit (with the addressors above, 26,830 → 24,790:
        // fewer of the loop's locals spilled).
        var container = -16
        var depthLeft = self.maxDepth
        i = JSONParser.skipWhitespace(p, i, end)
        // The byte at `i` when a value (or key) starts, 0 at the end of input (no value or key
        // starts with it; a real 0 byte fails the same way, told apart by `i < end`): each way
        // into the loop has just looked at it, so the loop neither tests `i < end` nor loads
        // it again (41,877 → 41,718 instructions per 3.6 KB review).
        var look: UInt8 = i < end ? p[i] : 0
        nextValue: while true {
            // Room for this value's entry and, in an object, its key's: every append below until
            // the next `continue nextValue` or return is one of these two. (A bounded tape has
            // room for all: see `boundedTapeCapacity`.)
            if !bounded { tape.reserve(2) }
            // `i` is at the value (or its key), past any whitespace: skipped before the loop,
            // after an opening byte and after a comma.
            // Inside an object every value is a member's: its key and colon come first.
            // (Written out here: as a function, the optimiser declines to inline it; measured
            // again with `@inline(__always)`: still a call, 11,000 more instructions per review.)
            if tape[byteOffset: container].kind == .object {
                guard look == UInt8(ascii: "\"") else {
                    guard i < end else { throw JSONParser.endOfInput(at: i, expecting: "an object key") }
                    throw JSONParser.expectedKey(look, at: i)
                }
                let afterKey = try appendString(p, i, end, &tape)
                // Compact JSON: the colon right after the key and no whitespace after it (a
                // byte above 0x20 is not whitespace), so skip the general path's re-checks.
                if afterKey &+ 1 < end, p[afterKey] == UInt8(ascii: ":"), p[afterKey &+ 1] > 0x20 {
                    i = afterKey &+ 1
                    look = p[i]
                } else {
                    i = JSONParser.skipWhitespace(p, afterKey, end)
                    guard i < end else { throw JSONParser.endOfInput(at: i, expecting: "':' after object key") }
                    guard p[i] == UInt8(ascii: ":") else { throw JSONParser.expectedColon(at: i) }
                    i = JSONParser.skipWhitespace(p, i + 1, end)
                    look = i < end ? p[i] : 0
                }
            }
            // Every case but the default has a byte of the input in `c`, so `i < end` there.
            let c = look
            let at = UInt32(truncatingIfNeeded: i)
            switch c {
            case UInt8(ascii: "\""):
                i = try appendString(p, i, end, &tape)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depthLeft > 0 else { throw JSONParser.tooDeep(at: i, self.maxDepth) }
                let opensObject = c == UInt8(ascii: "{")
                let index = tape.count
                // While open, `next` keeps the enclosing container's index (-1, at top level,
                // becomes UInt32.max, which no index reaches: an entry takes at least one input
                // byte, and inputs are shorter than `tapeByteLimit`).
                tape.appendReserved(JSONTapeEntry(kind: opensObject ? .object : .array, flag: false, start: at,
                                                  end: 0, next: UInt32(truncatingIfNeeded: container &>> 4)))
                i &+= 1  // i < end
                // Compact JSON: no whitespace after the opening byte (one look at it).
                look = 0
                if i < end {
                    look = p[i]
                    if look <= 0x20 {
                        i = JSONParser.skipWhitespace(p, i, end)
                        look = i < end ? p[i] : 0
                    }
                }
                // "{}" and "[]": the closing byte is the opening one plus 2 in ASCII.
                if look == c &+ 2 {
                    i += 1
                    tape[index].next = UInt32(truncatingIfNeeded: tape.count)
                } else {
                    container = index &<< 4
                    depthLeft -= 1
                    continue nextValue
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let after = try scanNumber(p, i, end)
                tape.appendReserved(JSONTapeEntry(kind: .number, flag: false, start: at, end: UInt32(truncatingIfNeeded: after),
                                                  next: UInt32(truncatingIfNeeded: tape.count &+ 1)))
                i = after
            case UInt8(ascii: "t"):
                i = try expectLiteral(p, i, end, "true", word: JSONParser.trueWord)
                tape.appendReserved(JSONTapeEntry(kind: .bool, flag: true, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count &+ 1)))
            case UInt8(ascii: "f"):
                i = try expectLiteral(p, i, end, "false", word: JSONParser.falseWord)
                tape.appendReserved(JSONTapeEntry(kind: .bool, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count &+ 1)))
            case UInt8(ascii: "n"):
                i = try expectLiteral(p, i, end, "null", word: JSONParser.nullWord)
                tape.appendReserved(JSONTapeEntry(kind: .null, flag: false, start: at, end: 0, next: UInt32(truncatingIfNeeded: tape.count &+ 1)))
            default:
                guard i < end else { throw JSONParser.endOfInput(at: i, expecting: "a value") }
                throw JSONParser.unexpected(c, at: i, expecting: "a value")
            }

            // A value is complete: count it in the innermost open container (its entry's `end`),
            // closing as many as end here.
            while true {
                // The byte after the value, past whitespace: 0 at the end of input (neither a
                // separator nor a closer), so `i < end` is tested once and the byte loaded once.
                // One look for compact JSON first (20,644 → 20,178 instructions per 3.6 KB
                // review).
                var c: UInt8 = 0
                if i < end {
                    c = p[i]
                    if c <= 0x20 {
                        i = JSONParser.skipWhitespace(p, i, end)
                        c = i < end ? p[i] : 0
                    }
                }
                guard container >= 0 else {
                    guard i == end else { throw JSONParser.afterTopLevelValue(c, at: i) }
                    return tape
                }
                tape[byteOffset: container].end &+= 1
                if c == UInt8(ascii: ",") {
                    // Whitespace after the comma is skipped here, so the value loop starts at
                    // the value (one look for compact JSON).
                    i &+= 1  // i < end: c is a byte of the input
                    look = 0
                    if i < end {
                        look = p[i]
                        if look <= 0x20 {
                            i = JSONParser.skipWhitespace(p, i, end)
                            look = i < end ? p[i] : 0
                        }
                    }
                    continue nextValue
                }
                let isObject = tape[byteOffset: container].kind == .object
                guard c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    guard i < end else { throw JSONParser.endOfInputInContainer(at: i, isObject: isObject) }
                    throw JSONParser.expectedSeparator(c, at: i, isObject: isObject)
                }
                i &+= 1  // i < end: c is a byte of the input
                let enclosing = tape[byteOffset: container].next
                tape[byteOffset: container].next = UInt32(truncatingIfNeeded: tape.count)
                depthLeft &+= 1  // at most maxDepth again
                // UInt32.max (top level) as -1, so -16: no index reaches 2^31 (an input of at
                // most `tapeByteLimit` bytes has at most half as many entries).
                container = Int(Int32(bitPattern: enclosing)) &<< 4
            }
        }
    }

    /// RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return only.
    /// Returns the index of the first other byte (or `end`). Compact JSON pays one comparison.
    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end {
            let c = p[i]
            // Bits 0x20, 0x0D, 0x0A and 0x09 of a 64-bit set: one test instead of four compares.
            guard c <= 0x20, (UInt64(1) &<< UInt64(c)) & 0x1_0000_2600 != 0 else { break }
            i += 1
        }
        return i
    }

    /// Checks the string whose opening quote is at `quote`, appends its entry and returns the
    /// index after its closing quote.
    ///
    /// Sixteen bytes at a time while sixteen remain: `smw_json_string_mask16` (CJSONScan, SSE2's
    /// compare and movemask, inlined) gives one bit per byte needing attention and one per
    /// quote, so a block is one test, the first such byte one trailing-zero count, and whether
    /// it closes the string one bit test (no reload of the byte). Measured with callgrind on the
    /// 3.6 KB review: parseTape 27,200 → 26,830 instructions (both masks packed in one word),
    /// then 23,128 → 22,899 with the quote mask returned apart. The same in pure Swift (SIMD16
    /// flags folded into a 16-bit mask by the multiply trick, one test) cost more: 32,300, its
    /// constants no longer stayed in registers and the two multiplies outweighed the branch saved.
    @inline(__always)
    private mutating func appendString(_ p: UnsafePointer<UInt8>, _ quote: Int, _ end: Int,
                                       _ tape: inout JSONTapeBuilder) throws(JSONParseError) -> Int {
        let start = quote &+ 1  // quote < end: no overflow check (one `jo` a string)
        // Appended first and its end written last: an escape marks the entry itself, so no
        // flag has to live through the scan (it left a register: 3 instructions a string).
        let entry = tape.count
        tape.appendReserved(JSONTapeEntry(kind: .string, flag: false, start: UInt32(truncatingIfNeeded: start),
                                          end: 0, next: UInt32(truncatingIfNeeded: entry &+ 1)))
        var j = start
        while true {
            // Written against `end - 16` (hoisted out of the parser's loop): one compare a block
            // instead of an add, a move and a compare (21,796 → 21,281 instructions a review).
            if j <= end &- 16 {
                var quotes: UInt32 = 0
                let special = smw_json_string_mask16(p + j, &quotes)
                if special == 0 {
                    j &+= 16
                    continue
                }
                let k = special.trailingZeroBitCount
                j &+= k
                if (quotes &>> k) & 1 != 0 { break }
            } else {
                j = JSONParser.skipPlainASCII(p, j, end)
                guard j < end else { throw JSONParser.endOfInputInString(at: end) }
                if p[j] == UInt8(ascii: "\"") { break }
            }
            // Not the closing quote: a backslash, a control character or a non-ASCII lead byte.
            // The rest of the string is checked out of line, so this loop has no call in it and
            // the parser's registers are not spilled around every string for the calls' sake
            // (44,855 → 44,463 instructions per 3.6 KB review, with its one escaped string).
            let (quote, escaped) = try finishString(p, j, end)
            if escaped { tape[entry].flag = true }
            j = quote
            break
        }
        tape[entry].end = UInt32(truncatingIfNeeded: j)
        return j &+ 1  // j < end: no overflow check needed
    }

    /// Advances over string bytes that need no attention and returns the index of the first
    /// that does ('"', '\\', < 0x20 or ≥ 0x80), or `end`. Byte by byte: `appendString` calls it
    /// only for the last fewer than sixteen bytes of the input.
    @inline(__always)
    static func skipPlainASCII(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var j = from
        while j < end {
            let c = p[j]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return j }
            j += 1
        }
        return j
    }
}

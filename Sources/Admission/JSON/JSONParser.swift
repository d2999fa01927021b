// An RFC 8259 JSON parser over raw bytes: exact grammar, iterative (no recursion), never traps.

/// Parses JSON text (RFC 8259) into a `JSONValue`, or into a `JSONDocument` (a tape indexing the
/// input, read through `JSONView` without building a tree).
///
/// Each `parse` call owns its own parser state; the type has no shared state, so any thread may
/// call it at any time. It works directly on the input bytes (no copy when they are contiguous),
/// uses an explicit stack of open containers instead of recursion (a 10,000-deep input is
/// rejected at `maxDepth` without deep native stack use), and checks every index against the
/// input's end before reading.
///
/// Choices where RFC 8259 leaves room (§9 lets parsers set limits):
/// - nesting deeper than `maxDepth` containers is an error;
/// - a `\u` escape of an unpaired UTF-16 surrogate is an error (it has no UTF-8 form, §8.2);
/// - duplicate object keys (§4): the last value wins, at the first key's position;
/// - numbers are kept as their text, whatever their magnitude ("1e400" is accepted).
/// It deliberately does not accept comments, trailing commas, NaN/Infinity, single quotes or a
/// byte order mark (§8.1: parsers MAY ignore a BOM; we reject it, as kube-apiserver never sends one).
public struct JSONParser {
    public static let defaultMaxDepth = 512
    /// The most a caller may ask for: the parser itself keeps no native stack per level, but a
    /// `JSONValue` is destroyed, compared and written recursively, so a 100,000-deep value would
    /// overflow a thread's stack after parsing. Larger `maxDepth` arguments are held to this.
    public static let depthCeiling = 1024

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    let maxDepth: Int
    var i = 0
    /// Where escapes are decoded while checking them (reused, so checking allocates once).
    var escapeScratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = min(max(maxDepth, 0), JSONParser.depthCeiling)
    }

    // MARK: - Entry points

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parseResult(buffer.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth).get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    /// Any byte collection (e.g. `ArraySlice<UInt8>`, `Data`); copied once if not contiguous.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue
    where Bytes.Element == UInt8 {
        let result = bytes.withContiguousStorageIfAvailable { parseResult($0, maxDepth: maxDepth) }
            ?? Array(bytes).withUnsafeBufferPointer { parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    /// Builds the tape, then the tree from it (one grammar implementation for both).
    static func parseResult(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        switch tapeResult(bytes, maxDepth: maxDepth) {
        case .success(let tape):
            return .success(tape.withUnsafeBufferPointer { JSONMaterializer(bytes: bytes, tape: $0).value(at: 0) })
        case .failure(let error):
            return .failure(error)
        }
    }

    static func tapeResult(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<[JSONTapeEntry], JSONParseError> {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        var tape: [JSONTapeEntry] = []
        // Kubernetes JSON averages one value per 10–20 bytes; growth beyond this is amortised.
        tape.reserveCapacity(min(bytes.count / 12 + 8, 1 << 16))
        do throws(JSONParseError) {
            try parser.parseTape(into: &tape)
            return .success(tape)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Scalars

    /// RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return only.
    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = i
        let count = literal.utf8CodeUnitCount
        let literalBytes = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for k in 0..<count {
            guard start + k < end else { throw fail(end, "unexpected end of input in literal '\(literal)'") }
            guard bytes[start + k] == literalBytes[k] else { throw fail(start + k, "invalid literal, expected '\(literal)'") }
        }
        i = start + count
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; no `+`, no leading
    /// zeros, no `.5` or `1.`, no NaN or Infinity. The text is kept verbatim.
    mutating func scanNumber() throws(JSONParseError) {
        var j = i
        if bytes[j] == UInt8(ascii: "-") { j += 1 }
        guard j < end else { throw fail(j, "unexpected end of input, expected a digit") }
        if bytes[j] == UInt8(ascii: "0") {
            j += 1
            if j < end, JSONParser.isDigit(bytes[j]) { throw fail(j, "leading zeros are not allowed in numbers") }
        } else if JSONParser.isDigit(bytes[j]) {
            j += 1
            while j < end, JSONParser.isDigit(bytes[j]) { j += 1 }
        } else {
            throw fail(j, "expected a digit, found \(JSONParser.describe(bytes[j]))")
        }
        if j < end, bytes[j] == UInt8(ascii: ".") {
            j += 1
            guard j < end, JSONParser.isDigit(bytes[j]) else { throw fail(j, "expected a digit after '.'") }
            while j < end, JSONParser.isDigit(bytes[j]) { j += 1 }
        }
        if j < end, bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") {
            j += 1
            if j < end, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            guard j < end, JSONParser.isDigit(bytes[j]) else { throw fail(j, "expected a digit in exponent") }
            while j < end, JSONParser.isDigit(bytes[j]) { j += 1 }
        }
        i = j
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    func fail(_ offset: Int, _ message: String) -> JSONParseError {
        JSONParseError(offset: offset, message: message)
    }

    /// "'x'" for printable ASCII, "byte 0x0A" otherwise (never echoes multi-byte input).
    static func describe(_ b: UInt8) -> String {
        if b >= 0x21, b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(hex2(b))"
    }

    static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
    }
}

// An RFC 8259 JSON parser over raw bytes: exact grammar, iterative (no recursion), never traps.

/// Parses JSON text (RFC 8259) into a `JSONValue`, or into a `JSONDocument` (a tape indexing the
/// input, read through `JSONView` without building a tree).
///
/// Each `parse` call owns its own parser state; the type has no shared state, so any thread may
/// call it at any time. It works directly on the input bytes (no copy when they are contiguous),
/// chains open containers through their own tape entries instead of recursing (a 10,000-deep
/// input is rejected at `maxDepth` without deep native stack use), and checks every index
/// against the input's end before reading (4- and 16-byte loads only where that many remain).
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

    static func tapeResult(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONTape, JSONParseError> {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        do throws(JSONParseError) {
            if usesBoundedTape(bytes.count, maxDepth: parser.maxDepth) {
                return .success(try parser.parseBoundedTape().finished())
            }
            return .success(try parser.parseGrownTape().finished())
        } catch {
            return .failure(error)
        }
    }

    /// `parseTape` for inputs that `usesBoundedTape`: room for the most entries they can
    /// hold, no check per value.
    @inline(never)
    mutating func parseBoundedTape() throws(JSONParseError) -> JSONTapeBuilder {
        try parseTape(capacity: JSONParser.boundedTapeCapacity(end, maxDepth: maxDepth), bounded: true)
    }

    /// `parseTape` for larger inputs: Kubernetes JSON averages one value per 10–20 bytes, so
    /// the tape starts there and grows (amortised) when it must.
    @inline(never)
    mutating func parseGrownTape() throws(JSONParseError) -> JSONTapeBuilder {
        try parseTape(capacity: min(end / 12 + 8, 1 << 16), bounded: false)
    }

    // MARK: - Helpers

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

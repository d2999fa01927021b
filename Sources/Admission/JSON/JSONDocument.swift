// A parsed JSON text kept as its bytes plus a tape, read without building a tree.
import Synchronization

/// A validated JSON text (RFC 8259, `JSONParser`'s choices) and the tape indexing it. Reading
/// it through `root` (a `JSONView`) decodes only the strings asked for and allocates nothing
/// else; `JSONView.materialized()` builds a `JSONValue` of any part on demand.
///
/// Immutable after `init` but for a cache of element positions (behind a mutex), so it is
/// `Sendable` and may be read from any thread. It keeps the input array it was given (no copy). It deliberately offers no mutation: a changed document
/// is a `JSONValue` (see `JSONPatchBuilder`).
public final class JSONDocument: Sendable {
    /// The JSON text, as received.
    public let bytes: [UInt8]
    @usableFromInline let tape: JSONTape
    /// Tape index of every element, per array read by position beyond `directReach`: built on
    /// first such read, so reading element i of each of n elements is linear, not quadratic.
    private let elementIndexes = Mutex<[Int: [UInt32]]>([:])
    /// Positions up to this are reached by walking the tape (cheaper than a cache lookup).
    static let directReach = 32

    /// Parses and validates `bytes` (same grammar, limits and errors as `JSONParser.parse`).
    public init(parsing bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) {
        let result = bytes.withUnsafeBufferPointer { JSONParser.tapeResult($0, maxDepth: maxDepth) }
        self.bytes = bytes
        self.tape = try result.get()
    }

    /// A document holding `value` (serialised, then indexed): for tests and for callers that
    /// build objects in memory (`check`), never on the request path. A value nested deeper
    /// than `JSONParser.depthCeiling` (which no parser produces) becomes `null`.
    public convenience init(_ value: JSONValue) {
        let bytes = value.serialized()
        switch bytes.withUnsafeBufferPointer({ JSONParser.tapeResult($0, maxDepth: JSONParser.depthCeiling) }) {
        case .success(let tape):
            self.init(validated: bytes, tape: tape)
        case .failure:
            self.init(validated: Array("null".utf8), tape: JSONTape([JSONTapeEntry(kind: .null, flag: false, start: 0, end: 0, next: 1)]))
        }
    }

    private init(validated bytes: [UInt8], tape: JSONTape) {
        self.bytes = bytes
        self.tape = tape
    }

    /// The tape index of element `position` of the array whose entry is at `array`
    /// (`position` already checked against its count).
    func element(_ position: Int, ofArrayAt array: Int) -> Int {
        if position < JSONDocument.directReach {
            var k = array + 1
            for _ in 0..<position { k = Int(tape[k].next) }
            return k
        }
        return elementIndexes.withLock { cache in
            if let indexes = cache[array] { return Int(indexes[position]) }
            var indexes: [UInt32] = []
            indexes.reserveCapacity(Int(tape[array].end))
            var k = array + 1
            for _ in 0..<Int(tape[array].end) {
                indexes.append(UInt32(truncatingIfNeeded: k))
                k = Int(tape[k].next)
            }
            cache[array] = indexes
            return Int(indexes[position])
        }
    }

    /// The top-level value.
    public var root: JSONView { JSONView(document: self, index: 0) }
}

/// Builds `JSONValue` trees from a tape. A transient value used on one thread for one call.
/// Recursion is bounded by the parser's `maxDepth` (at most `JSONParser.depthCeiling`).
struct JSONMaterializer {
    let bytes: UnsafeBufferPointer<UInt8>
    let tape: UnsafeBufferPointer<JSONTapeEntry>

    func value(at index: Int) -> JSONValue {
        let entry = tape[index]
        switch entry.kind {
        case .null: return .null
        case .bool: return .bool(entry.flag)
        case .number: return .number(JSONNumber(unchecked: text(entry)))
        case .string: return .string(string(entry))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(entry.end))
            var k = index + 1
            for _ in 0..<Int(entry.end) {
                elements.append(value(at: k))
                k = Int(tape[k].next)
            }
            return .array(elements)
        case .object:
            var members: [JSONObject.Member] = []
            members.reserveCapacity(Int(entry.end))
            var k = index + 1
            for _ in 0..<Int(entry.end) {
                members.append(JSONObject.Member(key: string(tape[k]), value: value(at: k + 1)))
                k = Int(tape[k + 1].next)
            }
            let unique = !JSONParser.hasDuplicateKeys(bytes, tape, object: index)
            return .object(unique ? JSONObject(uniqueMembers: members) : JSONObject(parsedMembers: members))
        }
    }

    /// A number's (or any entry's) raw text.
    func text(_ entry: JSONTapeEntry) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.end)]), as: UTF8.self)
    }

    /// A string entry's decoded text.
    func string(_ entry: JSONTapeEntry) -> String {
        entry.flag ? String(decoding: JSONParser.decodedBytes(bytes, entry), as: UTF8.self) : text(entry)
    }
}

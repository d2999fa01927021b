// One RFC 6902 JSON Patch operation, with its JSON form for encoding and decoding.

/// One JSON Patch operation (RFC 6902 §4). The builder emits only `add`, `replace` and
/// `remove`; the applier understands all six.
///
/// A value; any thread. It deliberately does not check that its paths resolve: that is
/// `JSONPatch.apply`'s job, against a particular document.
public enum JSONPatchOperation: Hashable, Sendable {
    case add(path: JSONPointer, value: JSONValue)
    case remove(path: JSONPointer)
    case replace(path: JSONPointer, value: JSONValue)
    case move(from: JSONPointer, path: JSONPointer)
    case copy(from: JSONPointer, path: JSONPointer)
    case test(path: JSONPointer, value: JSONValue)

    /// The `op` member's string.
    public var op: String {
        switch self {
        case .add: "add"
        case .remove: "remove"
        case .replace: "replace"
        case .move: "move"
        case .copy: "copy"
        case .test: "test"
        }
    }

    public var path: JSONPointer {
        switch self {
        case .add(let path, _), .remove(let path), .replace(let path, _), .test(let path, _): path
        case .move(_, let path), .copy(_, let path): path
        }
    }

    /// The operation as a JSON object, members in the order `op`, `from`, `path`, `value`.
    /// The encoder does not go through this tree (see `JSONWriter.write(_:to:)` for operations);
    /// it stays the reference the written bytes are tested against, and serves callers that
    /// want the operation as a value.
    public var jsonValue: JSONValue {
        var object = JSONObject(minimumCapacity: 3)
        object.set("op", to: .string(op))
        switch self {
        case .add(let path, let value), .replace(let path, let value), .test(let path, let value):
            object.set("path", to: .string(path.description))
            object.set("value", to: value)
        case .remove(let path):
            object.set("path", to: .string(path.description))
        case .move(let from, let path), .copy(let from, let path):
            object.set("from", to: .string(from.description))
            object.set("path", to: .string(path.description))
        }
        return .object(object)
    }

    /// Decodes one operation object (RFC 6902 §4: `op` and `path` required, `value` for
    /// add/replace/test, `from` for move/copy; unknown members are ignored, §4).
    public init(json: JSONValue) throws(JSONPatchError) {
        guard case .object(let object) = json else { throw JSONPatchError(message: "a patch operation must be an object") }
        guard let op = object["op"]?.stringValue else { throw JSONPatchError(message: "a patch operation needs a string \"op\"") }
        let path = try JSONPatchOperation.pointer(object, "path")
        func value() throws(JSONPatchError) -> JSONValue {
            guard let value = object["value"] else { throw JSONPatchError(message: "\"\(op)\" needs a \"value\"") }
            return value
        }
        switch op {
        case "add": self = .add(path: path, value: try value())
        case "remove": self = .remove(path: path)
        case "replace": self = .replace(path: path, value: try value())
        case "test": self = .test(path: path, value: try value())
        case "move": self = .move(from: try JSONPatchOperation.pointer(object, "from"), path: path)
        case "copy": self = .copy(from: try JSONPatchOperation.pointer(object, "from"), path: path)
        default: throw JSONPatchError(message: "unknown patch op \"\(op)\"")
        }
    }

    private static func pointer(_ object: JSONObject, _ member: String) throws(JSONPatchError) -> JSONPointer {
        guard let text = object[member]?.stringValue else {
            throw JSONPatchError(message: "a patch operation needs a string \"\(member)\"")
        }
        do {
            return try JSONPointer(parsing: text)
        } catch {
            throw JSONPatchError(message: error.description)
        }
    }
}

extension JSONWriter {
    /// Appends `operation` as a compact JSON object, byte for byte `append(operation.jsonValue)`.
    mutating func append(_ operation: JSONPatchOperation) {
        JSONWriter.write(operation, to: &bytes)
    }

    /// Writes `operation` as a compact JSON object, byte for byte `write(operation.jsonValue)`:
    /// members in the order `op`, `from`, `path`, `value`, pointers in their RFC 6901 string
    /// form. Written directly because building the `JSONValue` object (and a `description`
    /// String per pointer) for every operation of every answer cost more than writing it; the
    /// fixed start of each kind (`{"op":"add","path":"`) is one literal. The tests compare the
    /// two forms for every kind of operation, so a change to one must be made to the other.
    /// Borrowed and inlined into `JSONPatch.write`'s loop, which then reads the operation in
    /// place instead of copying it out of the array (a retain and release of its pointer and
    /// value per operation: encode 7,107 → 6,993 instructions per review).
    @inline(__always)
    static func write<Sink: JSONByteSink>(_ operation: borrowing JSONPatchOperation, to sink: inout Sink) {
        // The quotes around each pointer and string value are joined to the fixed text on
        // either side, one write instead of two (encode 5,808 → 5,703 instructions per review).
        switch operation {
        case .add(let path, let value):
            sink.write(literal: #"{"op":"add","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            writeValueMember(value, to: &sink)
        case .remove(let path):
            sink.write(literal: #"{"op":"remove","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            sink.write(literal: #""}"#)
        case .replace(let path, let value):
            sink.write(literal: #"{"op":"replace","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            writeValueMember(value, to: &sink)
        case .move(let from, let path):
            sink.write(literal: #"{"op":"move","from":""#)
            writeUnquoted(pointer: from, to: &sink)
            sink.write(literal: #"","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            sink.write(literal: #""}"#)
        case .copy(let from, let path):
            sink.write(literal: #"{"op":"copy","from":""#)
            writeUnquoted(pointer: from, to: &sink)
            sink.write(literal: #"","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            sink.write(literal: #""}"#)
        case .test(let path, let value):
            sink.write(literal: #"{"op":"test","path":""#)
            writeUnquoted(pointer: path, to: &sink)
            writeValueMember(value, to: &sink)
        }
    }

    /// The end of an operation from the closing quote of its path: `","value":` and `value`,
    /// then `}`. A string, which is what the rules set (annotations and labels), is written
    /// right here with its quotes joined to that text; anything else by the recursive
    /// `write(_:to:)` (skipping that call for strings: encode 6,278 → 6,220 instructions per
    /// review).
    @inline(__always)
    static func writeValueMember<Sink: JSONByteSink>(_ value: JSONValue, to sink: inout Sink) {
        if case .string(let s) = value {
            sink.write(literal: #"","value":""#)
            withUTF8(s) { writeEscaped($0, pointerToken: false, to: &sink) }
            sink.write(literal: #""}"#)
        } else {
            sink.write(literal: #"","value":"#)
            write(value, to: &sink)
            sink.write(UInt8(ascii: "}"))
        }
    }
}

/// Why a patch could not be decoded, built or applied. A value, any thread; the message names
/// the operation and pointer but never includes document contents.
public struct JSONPatchError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { "JSON Patch: \(message)" }
}

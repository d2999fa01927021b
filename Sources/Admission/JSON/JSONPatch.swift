// An RFC 6902 JSON Patch document: a list of operations, its encoding and decoding.

/// A JSON Patch (RFC 6902): operations applied in order, all or nothing (§5).
///
/// A value; any thread. Produced by `JSONPatchBuilder` for admission responses and decoded from
/// bytes by `replay`; `apply` lives in `JSONPatch+Apply.swift`. It deliberately does not compute
/// diffs of whole documents (patches are built from the few operations a rule needs), and `apply`
/// does not bound the size or depth of its result: repeated `copy` of the root can double the
/// document per operation, so apply only patches of known origin (our own responses).
public struct JSONPatch: Hashable, Sendable {
    public var operations: [JSONPatchOperation]

    public init(_ operations: [JSONPatchOperation] = []) { self.operations = operations }

    public var isEmpty: Bool { operations.isEmpty }

    /// The patch as a JSON array of operation objects. Not used by `encoded()`; kept as the
    /// value form (and the reference the encoding is tested against).
    public var jsonValue: JSONValue { .array(operations.map(\.jsonValue)) }

    /// Compact JSON text: `[{"op":"add","path":"/metadata/annotations","value":{}}]`, byte for
    /// byte `jsonValue.serialized()`. Written operation by operation into one buffer (see
    /// `JSONWriter.append(_: JSONPatchOperation)`) without building the `JSONValue` tree: this
    /// runs for every mutating answer, and the tree cost more than the writing.
    public func encoded() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: estimatedEncodedCount)
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
    private var estimatedEncodedCount: Int {
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

    /// Decodes a patch document (a JSON array of operations).
    public init(json: JSONValue) throws(JSONPatchError) {
        guard case .array(let elements) = json else { throw JSONPatchError(message: "a patch must be a JSON array") }
        var operations: [JSONPatchOperation] = []
        operations.reserveCapacity(elements.count)
        for element in elements { operations.append(try JSONPatchOperation(json: element)) }
        self.operations = operations
    }

    /// Parses and decodes patch bytes.
    public init(parsing bytes: [UInt8]) throws(JSONPatchError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw JSONPatchError(message: error.description)
        }
        try self.init(json: json)
    }
}

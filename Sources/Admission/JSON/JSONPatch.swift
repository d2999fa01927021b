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

    /// The patch as a JSON array of operation objects.
    public var jsonValue: JSONValue { .array(operations.map(\.jsonValue)) }

    /// Compact JSON text: `[{"op":"add","path":"/metadata/annotations","value":{}}]`.
    public func encoded() -> [UInt8] { jsonValue.serialized() }

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

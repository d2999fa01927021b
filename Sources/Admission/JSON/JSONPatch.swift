// An RFC 6902 JSON Patch document: a list of operations, its encoding and decoding.

/// A JSON Patch (RFC 6902): operations applied in order, all or nothing (§5).
///
/// A value; any thread. Produced by `JSONPatchBuilder` for admission responses and decoded from
/// bytes by `replay`; `apply` lives in `JSONPatch+Apply.swift`. It deliberately does not compute
/// diffs of whole documents (patches are built from the few operations a rule needs), and `apply`
/// does not bound the size or depth of its result: repeated `copy` of the root can double the
/// document per operation, so apply only patches of known origin (our own responses).
public struct JSONPatch: Hashable, Sendable, JSONByteWritable {
    public var operations: [JSONPatchOperation]

    public init(_ operations: [JSONPatchOperation] = []) { self.operations = operations }

    public var isEmpty: Bool { operations.isEmpty }

    /// The patch as a JSON array of operation objects. Not used by `encoded()`; kept as the
    /// value form (and the reference the encoding is tested against).
    public var jsonValue: JSONValue { .array(operations.map(\.jsonValue)) }

    /// Compact JSON text: `[{"op":"add","path":"/metadata/annotations","value":{}}]`, byte for
    /// byte `jsonValue.serialized()`, in an array of exactly its length. Written operation by
    /// operation (see `JSONWriter.write(_:to:)` for operations) without building the
    /// `JSONValue` tree: this runs for every mutating answer, and the tree cost more than the
    /// writing.
    public func encoded() -> [UInt8] {
        [UInt8](writing: self, context: ())
    }

    /// Calls `body` with the compact JSON text of the patch (as `encoded()` returns it) in a
    /// temporary buffer valid only during the call: what `AdmissionReviewEncoder` base64-encodes
    /// from, with no array of its own. Writing into fixed memory skips the capacity checks and
    /// regrowth of appending to an array, and trying a stack buffer first skips the counting
    /// pass (which costs about as much as the writing) for every usual patch (up to
    /// `[UInt8].stackWriteLimit` bytes).
    func withEncoded<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let fitted: R? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: [UInt8].stackWriteLimit) { buffer in
            var output = UnsafeByteOutput(buffer)
            write(to: &output)
            guard !output.overflowed else { return nil }
            return body(UnsafeBufferPointer(rebasing: buffer[..<output.count]))
        }
        if let fitted { return fitted }
        // Larger than the stack attempt: count, then write into a heap buffer of that size.
        // The count comes from the same code, so the write fills it exactly; if it ever did
        // not, the array below still holds everything written (it grows), never a short text.
        var exact: [UInt8] = []
        exact.reserveCapacity(encodedCount)
        write(to: &exact)
        return exact.withUnsafeBufferPointer(body)
    }

    /// The length of `encoded()`, counted by running the writing code without storing a byte.
    var encodedCount: Int {
        var counter = JSONByteCounter()
        write(to: &counter)
        return counter.count
    }

    /// Writes the compact JSON text of the patch (see `encoded()`).
    func write<Sink: JSONByteSink>(to sink: inout Sink, context: Void = ()) {
        sink.write(UInt8(ascii: "["))
        // Read through the array itself: an element of an unsafe buffer was copied (its
        // pointers and value retained, then released), as the sink's writes could change it.
        for n in operations.indices {
            if n > 0 { sink.write(UInt8(ascii: ",")) }
            JSONWriter.write(operations[n], to: &sink)
        }
        sink.write(UInt8(ascii: "]"))
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

// Builds the minimal, idempotent JSON Patch of a mutating admission response.

/// Collects the few RFC 6902 operations a mutation needs, against a working copy of the
/// original document, so later calls see earlier ones.
///
/// Owned by one policy evaluation (a value, used on the thread that evaluates the review).
/// Rules it enforces (policy.md, Mutations):
/// - missing parent maps are created with an `add` of `{}` first; an explicit `null` parent
///   counts as missing (Kubernetes decodes a null map as an absent one);
/// - an existing map is never replaced, as a parent or as a leaf: that throws;
/// - a parent that exists but is not an object (e.g. `metadata.annotations` is a string) throws
///   rather than being clobbered;
/// - `add` when the leaf is absent, `replace` when present and different, nothing when equal,
///   so building again from the patched document yields no operations (idempotent).
/// Path components are unescaped object keys, or decimal indexes where the container is an
/// array; pointers are escaped only through `JSONPointer.escape` (RFC 6901 §3).
/// It deliberately emits no `move`, `copy` or `test`, and does not diff whole documents.
public struct JSONPatchBuilder: Sendable {
    /// The document with every operation so far applied.
    public private(set) var document: JSONValue
    /// The operations so far, in order.
    public private(set) var operations: [JSONPatchOperation] = []

    public init(original: JSONValue) { self.document = original }

    public var isEmpty: Bool { operations.isEmpty }
    public var patch: JSONPatch { JSONPatch(operations) }

    /// Makes the value at `path` equal `value`, creating missing parent maps first.
    public mutating func set(_ path: [String], to value: JSONValue) throws(JSONPatchError) {
        guard let leaf = path.last else { throw JSONPatchError(message: "cannot set the whole document") }
        let parentPath = Array(path.dropLast())
        try ensureObject(parentPath, allowArray: true)
        let pointer = JSONPointer(tokens: path)
        switch document[path: parentPath] {
        case .object(let parent):
            if let existing = parent[leaf], !existing.isNull {
                if existing == value { return }
                if case .object = existing {
                    throw JSONPatchError(message: "refusing to replace the existing map at \(pointer)")
                }
                try emit(.replace(path: pointer, value: value))
            } else {
                try emit(.add(path: pointer, value: value))
            }
        case .array(let parent):
            if leaf == "-" {
                try emit(.add(path: pointer, value: value))
            } else if let index = JSONPointer.arrayIndex(leaf), index <= parent.count {
                if index == parent.count {
                    try emit(.add(path: pointer, value: value))
                } else if parent[index] != value {
                    if case .object = parent[index] {
                        throw JSONPatchError(message: "refusing to replace the existing map at \(pointer)")
                    }
                    try emit(.replace(path: pointer, value: value))
                }
            } else {
                throw JSONPatchError(message: "array index \"\(leaf)\" of \(pointer) is out of range or malformed")
            }
        default:
            throw JSONPatchError(message: "the parent of \(pointer) is not an object")
        }
    }

    /// Makes sure `path` names a map, adding `{}` for it and each missing (or null) ancestor.
    public mutating func ensureObject(_ path: [String]) throws(JSONPatchError) {
        try ensureObject(path, allowArray: false)
    }

    /// Removes the value at `path` if it is present; nothing if it is absent.
    public mutating func remove(_ path: [String]) throws(JSONPatchError) {
        guard !path.isEmpty else { throw JSONPatchError(message: "cannot remove the whole document") }
        guard document[path: path] != nil else { return }
        try emit(.remove(path: JSONPointer(tokens: path)))
    }

    /// Walks `path` from the root: existing objects (and, as steps, arrays with an existing
    /// index) are kept; a missing or null member of an object becomes `add {}`; anything else throws.
    /// The node at the end of `path` must be an object (or, with `allowArray`, an array).
    private mutating func ensureObject(_ path: [String], allowArray: Bool) throws(JSONPatchError) {
        var current = document
        for (depth, token) in path.enumerated() {
            // Built only when an operation or an error needs it (this walk runs for every set).
            var here: JSONPointer { JSONPointer(tokens: Array(path[...depth])) }
            switch current {
            case .object(let object):
                if let child = object[token], !child.isNull {
                    current = child
                } else {
                    try emit(.add(path: here, value: .object(JSONObject())))
                    current = .object(JSONObject())
                }
            case .array(let array):
                guard let index = JSONPointer.arrayIndex(token), index < array.count else {
                    throw JSONPatchError(message: "array index \"\(token)\" of \(here) does not exist")
                }
                current = array[index]
            default:
                throw JSONPatchError(message: "\(JSONPointer(tokens: Array(path[..<depth]))) exists but is not an object")
            }
        }
        switch current {
        case .object: return
        case .array where allowArray: return
        default: throw JSONPatchError(message: "\(JSONPointer(tokens: path)) exists but is not an object")
        }
    }

    private mutating func emit(_ operation: JSONPatchOperation) throws(JSONPatchError) {
        try JSONPatch.apply(operation, to: &document)
        operations.append(operation)
    }
}

// Static paths of object keys laid out once: for walking the tape and for patching.

/// A path of object keys laid out once for walking: the keys' UTF-8 bytes one after another,
/// so `JSONView.walk(_: JSONPath)` compares them in place, where a walk over `[String]` copies
/// each key (a reference count) and asks it for its bytes at every step. It also holds its
/// JSON Pointer with the string form escaped in advance, so `JSONPatchBuilder.set(_: JSONPath,
/// to:)` walks to the parent and writes the operation's path without converting a key. For
/// the paths rules read and patch on every review; made once (a `static let`). A value; any
/// thread.
public struct JSONPath: Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The keys, as given.
    public let keys: [String]
    /// The keys as a JSON Pointer, its text precomputed (`JSONPointer.init(precomputing:)`).
    public let pointer: JSONPointer
    /// Every key's UTF-8, concatenated.
    private let utf8: [UInt8]
    /// Where each key's bytes end in `utf8`.
    private let ends: [Int]

    public init(_ keys: [String]) {
        self.keys = keys
        pointer = JSONPointer(precomputing: keys)
        var utf8: [UInt8] = []
        var ends: [Int] = []
        for key in keys {
            utf8.append(contentsOf: key.utf8)
            ends.append(utf8.count)
        }
        self.utf8 = utf8
        self.ends = ends
    }

    public init(arrayLiteral keys: String...) { self.init(keys) }

    /// The path of `map` and then `key`: a member of a map (an annotation, a label).
    public init(_ map: [String], key: String) { self.init(map + [key]) }

    /// The keys joined with dots, as in messages (`spec.template.metadata.annotations`).
    public var description: String { keys.joined(separator: ".") }

    /// Calls `body` with the bytes of every key and the ends of each.
    @inline(__always)
    func withKeys<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) -> R) -> R {
        utf8.withUnsafeBufferPointer { utf8 in ends.withUnsafeBufferPointer { ends in body(utf8, ends) } }
    }
}

extension JSONView {
    /// `walk(_: [String])` over a laid-out path: the same answers, no key copied or converted.
    public func walk(_ path: JSONPath) -> Walk { walk(path, keys: path.keys.count) }

    /// `walk` through the first `count` keys of `path` only (the patch builder's parents).
    func walk(_ path: JSONPath, keys count: Int) -> Walk {
        let outcome: (index: Int, depth: Int) = path.withKeys { utf8, ends in
            document.bytes.withUnsafeBufferPointer { bytes in
                document.tape.withUnsafeBufferPointer { tape in
                    var current = index
                    var start = 0
                    for depth in 0..<min(count, ends.count) {
                        switch tape[current].kind {
                        case .object: break
                        case .null: return (-1, 0)
                        default: return (-2, depth)
                        }
                        let key = UnsafeBufferPointer(rebasing: utf8[start..<ends[depth]])
                        guard let next = JSONView.position(of: key, in: current, bytes, tape), tape[next].kind != .null else {
                            return (-1, 0)
                        }
                        current = next
                        start = ends[depth]
                    }
                    return (current, 0)
                }
            }
        }
        switch outcome.index {
        case -1: return .absent
        case -2: return .notObject(depth: outcome.depth)
        default: return .found(JSONView(document: document, index: outcome.index))
        }
    }

    /// Whether this object lacks the member named by the last key of `path`, or holds null
    /// there (true, too, when this is not an object): `self[path.keys.last]`'s question,
    /// asked with the laid-out bytes.
    func lacksLastMember(of path: JSONPath) -> Bool {
        path.withKeys { utf8, ends in
            guard let end = ends.last else { return true }
            let key = UnsafeBufferPointer(rebasing: utf8[(ends.count > 1 ? ends[ends.count - 2] : 0)..<end])
            return document.bytes.withUnsafeBufferPointer { bytes in
                document.tape.withUnsafeBufferPointer { tape in
                    guard let found = JSONView.position(of: key, in: index, bytes, tape) else { return true }
                    return tape[found].kind == .null
                }
            }
        }
    }
}

// A read-only position in a JSONDocument: the JSONValue reading API without building a tree.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One value of a `JSONDocument`, read in place: lookups walk the tape (skipping whole
/// subtrees in one step), strings are decoded only when asked for, and nothing else is
/// allocated. Same answers as the `JSONValue` the same bytes parse to: keys compare by their
/// decoded UTF-8 bytes, and with duplicate keys the last value wins at the first key's position.
///
/// A value holding its document; any thread. It deliberately cannot change the document (a
/// changed object is built as `JSONValue`s by `JSONPatchBuilder`) and has no `Equatable`
/// conformance of its own: compare `materialized()` values, or use `equals(_:)`.
public struct JSONView: Sendable {
    public let document: JSONDocument
    @usableFromInline let index: Int

    @usableFromInline
    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    /// A view of an in-memory value (serialised and indexed; for tests and `check`).
    public init(_ value: JSONValue) {
        self.init(document: JSONDocument(value), index: 0)
    }

    /// The JSON type of a value.
    public enum Kind: Sendable, Equatable {
        case null, bool, number, string, array, object
    }

    @inlinable @inline(__always) var entry: JSONTapeEntry { document.tape[index] }

    public var kind: Kind {
        switch entry.kind {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    // Inlinable: the rules ask these of nearly every value they read, and a call from the
    // Policy module cost more than the test itself.
    @inlinable public var isNull: Bool { entry.kind == .null }
    @inlinable public var isObject: Bool { entry.kind == .object }
    @inlinable public var isArray: Bool { entry.kind == .array }

    /// Members of an object or elements of an array; 0 for scalars. With duplicate keys, the
    /// number of distinct keys (as `members` and the parsed `JSONObject` have).
    public var count: Int {
        let e = entry
        switch e.kind {
        case .array: return Int(e.end)
        case .object: return e.end > 1 && hasDuplicateKeys ? distinctKeyCount(e) : Int(e.end)
        default: return 0
        }
    }

    public var stringValue: String? {
        let e = entry
        guard e.kind == .string else { return nil }
        return withMaterializer { $0.string(e) }
    }

    public var boolValue: Bool? {
        let e = entry
        return e.kind == .bool ? e.flag : nil
    }

    public var numberValue: JSONNumber? {
        let e = entry
        guard e.kind == .number else { return nil }
        return JSONNumber(unchecked: withMaterializer { $0.text(e) })
    }

    /// The value as a `JSONValue` tree (built now; cost proportional to its size).
    public func materialized() -> JSONValue {
        withMaterializer { $0.value(at: index) }
    }

    /// Whether this value equals `value` (JSON equality, as `JSONValue ==`). Strings are
    /// compared in place; other values are materialised first.
    public func equals(_ value: JSONValue) -> Bool {
        if case .string(let text) = value {
            let e = entry
            return e.kind == .string && stringEquals(e, text)
        }
        return materialized() == value
    }

    // MARK: Lookup

    /// The member of an object (the last one, if the key is repeated), or nil (also when this
    /// is not an object).
    public subscript(key: String) -> JSONView? {
        // The key's bytes borrowed in place (`withUTF8(_:_:)`): `var key = key; key.withUTF8`
        // copied it, a retain and release of its storage per lookup.
        let found = withUTF8(key) { utf8 in
            document.bytes.withUnsafeBufferPointer { bytes in
                document.tape.withUnsafeBufferPointer { tape in JSONView.position(of: utf8, in: index, bytes, tape) }
            }
        }
        return found.map { JSONView(document: document, index: $0) }
    }

    /// The tape index of the value of member `key` of the object at `object`, or nil (also
    /// when it is not an object). Compares raw key bytes (length first) and decodes only keys
    /// written with escapes; scans the whole object and keeps the last match (repeated keys
    /// are not detected while parsing).
    static func position(of key: UnsafeBufferPointer<UInt8>, in object: Int,
                                 _ bytes: UnsafeBufferPointer<UInt8>, _ tape: UnsafeBufferPointer<JSONTapeEntry>) -> Int? {
        guard object < tape.count else { return nil }
        let e = tape[object]
        guard e.kind == .object, let base = bytes.baseAddress, let entries = tape.baseAddress else { return nil }
        let keyCount = key.count
        // The key's first byte, compared before the whole key: sibling keys of one length
        // rarely share it. (Entries stay inside the tape: a member's key and value entries
        // exist by construction of the tape.)
        let keyFirst = keyCount > 0 ? key[0] : 0
        // An empty key may have no address; it is then never read (length 0 matches at once).
        guard let keyBase = key.baseAddress ?? (keyCount == 0 ? base : nil) else { return nil }
        var found: Int?
        var k = object &+ 1
        // Wrapping `&+` on tape indexes (each below the tape's count, an `Int` of a buffer):
        // the checked `+` put two overflow branches in every member's step.
        for _ in 0..<Int(e.end) {
            let keyEntry = entries[k]
            let start = Int(keyEntry.start)
            if keyEntry.flag {
                if escapedKey(keyEntry, equals: key, bytes) { found = k &+ 1 }
            } else if Int(keyEntry.end) &- start == keyCount,
                      keyCount == 0 || (base[start] == keyFirst && bytesEqual(base + start, keyBase, count: keyCount)) {
                // No early exit: with a repeated key the last one wins (duplicates are not
                // detected while parsing), and Kubernetes objects are small.
                found = k &+ 1
            }
            k = Int(entries[k &+ 1].next)
        }
        return found
    }

    /// Whether a key written with escapes decodes to `key`. Out of line: inlined, its array
    /// and loop took registers from `position`'s member loop, which spilled them for every
    /// member; keys with escapes are rare (54,796 → 54,154 instructions per 3.6 KB review).
    @inline(never)
    static func escapedKey(_ entry: JSONTapeEntry, equals key: UnsafeBufferPointer<UInt8>,
                                   _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONParser.decodedBytes(bytes, entry).elementsEqual(key)
    }

    /// The element of an array, or nil when out of range or not an array.
    public subscript(position: Int) -> JSONView? {
        let e = entry
        guard e.kind == .array, position >= 0, position < Int(e.end) else { return nil }
        return JSONView(document: document, index: document.element(position, ofArrayAt: index))
    }

    /// Walks object keys (and, where the container is an array, decimal indexes), as
    /// `JSONValue`'s `self[path:]`. Nil when any step is missing.
    public subscript(path: String...) -> JSONView? {
        self[path: path]
    }

    public subscript(path path: [String]) -> JSONView? {
        var current = self
        for component in path {
            switch current.entry.kind {
            case .object:
                guard let next = current[component] else { return nil }
                current = next
            case .array:
                guard let i = JSONPointer.arrayIndex(component), let next = current[i] else { return nil }
                current = next
            default:
                return nil
            }
        }
        return current
    }

    // MARK: Iteration

    /// The first element of an array; nil when it is empty or not an array. With
    /// `element(after:)`, a walk over the elements that builds no array of views.
    public var firstElement: JSONView? {
        let e = entry
        guard e.kind == .array, e.end > 0 else { return nil }
        return JSONView(document: document, index: index + 1)
    }

    /// The element after `element` (one of this array's, as `firstElement` and this method
    /// give them), or nil after the last one (also when `element` is not one of them).
    public func element(after element: JSONView) -> JSONView? {
        let tape = document.tape
        let e = tape[index]
        guard e.kind == .array, element.document === document, element.index > index,
              element.index < Int(e.next) else { return nil }
        let next = Int(tape[element.index].next)
        return next < Int(e.next) ? JSONView(document: document, index: next) : nil
    }

    /// The elements of an array, in order (empty for anything else).
    public var elements: [JSONView] {
        let e = entry
        guard e.kind == .array else { return [] }
        let tape = document.tape
        var result: [JSONView] = []
        result.reserveCapacity(Int(e.end))
        var k = index + 1
        for _ in 0..<Int(e.end) {
            result.append(JSONView(document: document, index: k))
            k = Int(tape[k].next)
        }
        return result
    }

    /// One member of an object.
    public struct Member: Sendable {
        public let key: String
        public let value: JSONView
    }

    /// The members of an object in source order (empty for anything else); a repeated key
    /// appears once, at its first position, with its last value.
    public var members: [Member] {
        let e = entry
        guard e.kind == .object else { return [] }
        let tape = document.tape
        var result: [Member] = []
        result.reserveCapacity(Int(e.end))
        var k = index + 1
        var positions: [[UInt8]: Int] = [:]
        let merge = e.end > 1 && hasDuplicateKeys
        for _ in 0..<Int(e.end) {
            let member = Member(key: withMaterializer { $0.string(tape[k]) }, value: JSONView(document: document, index: k + 1))
            if merge {
                let key = document.bytes.withUnsafeBufferPointer { JSONParser.decodedBytes($0, tape[k]) }
                if let at = positions[key] {
                    result[at] = Member(key: result[at].key, value: member.value)
                } else {
                    positions[key] = result.count
                    result.append(member)
                }
            } else {
                result.append(member)
            }
            k = Int(tape[k + 1].next)
        }
        return result
    }

    // MARK: Helpers

    /// Whether this object repeats a key (checked now; see `JSONParser.hasDuplicateKeys`).
    var hasDuplicateKeys: Bool {
        document.bytes.withUnsafeBufferPointer { bytes in
            document.tape.withUnsafeBufferPointer { JSONParser.hasDuplicateKeys(bytes, $0, object: index) }
        }
    }

    /// The number of distinct (decoded) keys of an object that repeats keys.
    private func distinctKeyCount(_ e: JSONTapeEntry) -> Int {
        let tape = document.tape
        return document.bytes.withUnsafeBufferPointer { bytes in
            var seen = Set<[UInt8]>(minimumCapacity: Int(e.end))
            var k = index + 1
            for _ in 0..<Int(e.end) {
                seen.insert(JSONParser.decodedBytes(bytes, tape[k]))
                k = Int(tape[k + 1].next)
            }
            return seen.count
        }
    }

    private func withMaterializer<R>(_ body: (JSONMaterializer) -> R) -> R {
        document.bytes.withUnsafeBufferPointer { bytes in
            document.tape.withUnsafeBufferPointer { tape in body(JSONMaterializer(bytes: bytes, tape: tape)) }
        }
    }

    /// Whether the string entry `e` decodes to exactly the UTF-8 bytes of `text`.
    private func stringEquals(_ e: JSONTapeEntry, _ text: String) -> Bool {
        document.bytes.withUnsafeBufferPointer { bytes in
            if e.flag {
                let decoded = JSONParser.decodedBytes(bytes, e)
                return text.utf8.elementsEqual(decoded)
            }
            let raw = UnsafeBufferPointer(rebasing: bytes[Int(e.start)..<Int(e.end)])
            let utf8 = text.utf8
            guard utf8.count == raw.count else { return false }
            if let equal = utf8.withContiguousStorageIfAvailable({ $0.elementsEqual(raw) }) { return equal }
            return utf8.elementsEqual(raw)
        }
    }
}

extension JSONView {
    /// Calls `body` with each member's key (decoded UTF-8 bytes, valid only during the call)
    /// and its value's view, in source order, repeated keys included (a reader keeping the last
    /// match per key gets `self[key]`'s answers). Nothing for a non-object. For readers that
    /// want several members of one object: one scan instead of one per key.
    @inline(__always)
    func forEachMember<E: Error>(_ body: (UnsafeBufferPointer<UInt8>, JSONView) throws(E) -> Void) throws(E) {
        let e = entry
        guard e.kind == .object else { return }
        let document = document
        try document.bytes.withUnsafeBufferPointer { (bytes) throws(E) in
            try document.tape.withUnsafeBufferPointer { (tape) throws(E) in
                var k = index + 1
                for _ in 0..<Int(e.end) {
                    let keyEntry = tape[k]
                    let value = JSONView(document: document, index: k + 1)
                    if keyEntry.flag {
                        let decoded = JSONParser.decodedBytes(bytes, keyEntry)
                        try decoded.withUnsafeBufferPointer { (key) throws(E) in try body(key, value) }
                    } else {
                        try body(UnsafeBufferPointer(rebasing: bytes[Int(keyEntry.start)..<Int(keyEntry.end)]), value)
                    }
                    k = Int(tape[k + 1].next)
                }
            }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are exactly `literal`'s UTF-8.
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount
            && (count == 0 || baseAddress.map { bytesEqual($0, literal.utf8Start, count: count) } ?? false)
    }
}

extension JSONView {
    /// Where a walk through nested objects ended (`walk(_:)`).
    public enum Walk: Sendable {
        /// The value at the end of the path (not null).
        case found(JSONView)
        /// A member on the way is missing or null, or a value on the way is null.
        case absent
        /// The value at `path.prefix(depth)` is neither an object nor null.
        case notObject(depth: Int)
    }

    /// Follows `path` through object members (the last of a repeated key, as `self[key]`), in
    /// one pass over the tape: the readers' hot path, which would otherwise make a view (and
    /// count a reference) per step. A null anywhere on the way, or at the end, is `absent`.
    public func walk(_ path: [String]) -> Walk { walking(path) }

    /// `walk` for a part of a path (the patch builder's parents), without copying it.
    func walk(_ path: ArraySlice<String>) -> Walk { walking(path) }

    @inline(__always)
    private func walking<Path: Collection<String>>(_ path: Path) -> Walk {
        if path.isEmpty { return .found(self) }
        let outcome: (index: Int, depth: Int) = document.bytes.withUnsafeBufferPointer { bytes in
            document.tape.withUnsafeBufferPointer { tape in
                var current = index
                for (depth, key) in path.enumerated() {
                    switch tape[current].kind {
                    case .object: break
                    case .null: return (-1, 0)
                    default: return (-2, depth)
                    }
                    guard let next = withUTF8(key, { JSONView.position(of: $0, in: current, bytes, tape) }),
                          tape[next].kind != .null else { return (-1, 0) }
                    current = next
                }
                return (current, 0)
            }
        }
        switch outcome.index {
        case -1: return .absent
        case -2: return .notObject(depth: outcome.depth)
        default: return .found(JSONView(document: document, index: outcome.index))
        }
    }
}

// An ordered JSON object: members kept in source order, looked up by exact key bytes.

/// A JSON object (RFC 8259 §4) that keeps its members in insertion (source) order for writing
/// and finds them by key.
///
/// Owned by the `JSONValue` that holds it; a value type, usable from any thread.
/// Keys are compared by their UTF-8 bytes, not by Swift's Unicode canonical equivalence, so
/// "\u00e9" and "e\u0301" are two different keys, as they are for Kubernetes' Go decoder.
/// Equality ignores member order (RFC 8259 §4: an object is an unordered collection).
/// Duplicate keys: `set` replaces the value in place, keeping the first occurrence's position;
/// the parser does the same, so for `{"a":1,"b":2,"a":3}` the last value wins and the key stays
/// first: `{"a":3,"b":2}`. It deliberately does not sort keys or merge nested objects.
public struct JSONObject: Sendable, RandomAccessCollection {
    /// One member: a key and its value.
    public struct Member: Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in order.
    public private(set) var members: [Member]
    /// Position of each key, built only for objects larger than `linearLimit`
    /// (a linear scan is faster for the small objects Kubernetes documents are made of).
    private var index: [JSONKey: Int]?

    static let linearLimit = 12

    public init() {
        members = []
        index = nil
    }

    private init(members: [Member], index: [JSONKey: Int]?) {
        self.members = members
        self.index = index
    }

    public init(minimumCapacity: Int) {
        self.init()
        members.reserveCapacity(minimumCapacity)
    }

    /// Builds an object from pairs; a repeated key behaves as in `set` (last value, first position).
    public init(_ pairs: [(String, JSONValue)]) {
        self.init(minimumCapacity: pairs.count)
        for (key, value) in pairs { set(key, to: value) }
    }

    /// Builds an object from the parser's members, in source order. Duplicate keys (RFC 8259 §4
    /// leaves them to the implementation) are resolved as `set` does: last value, first position.
    /// Detection is pairwise for small objects and hashed for large ones, so a huge object cannot
    /// make parsing quadratic.
    init(parsedMembers members: [Member]) {
        if members.count <= JSONObject.linearLimit {
            var duplicate = false
            outer: for j in members.indices.dropFirst() {
                for k in 0..<j where utf8Equal(members[j].key, members[k].key) {
                    duplicate = true
                    break outer
                }
            }
            if !duplicate {
                self.init(members: members, index: nil)
                return
            }
        } else {
            var built: [JSONKey: Int] = [:]
            built.reserveCapacity(members.count)
            var duplicate = false
            for (n, member) in members.enumerated() where built.updateValue(n, forKey: JSONKey(member.key)) != nil {
                duplicate = true
                break
            }
            if !duplicate {
                self.init(members: members, index: built)
                return
            }
        }
        self.init(minimumCapacity: members.count)
        for member in members { set(member.key, to: member.value) }
    }

    /// Builds an object from members whose keys are known to be distinct (the tape parser
    /// checked them), skipping the duplicate check.
    init(uniqueMembers members: [Member]) {
        guard members.count > JSONObject.linearLimit else {
            self.init(members: members, index: nil)
            return
        }
        var built: [JSONKey: Int] = [:]
        built.reserveCapacity(members.count)
        for (n, member) in members.enumerated() { built[JSONKey(member.key)] = n }
        self.init(members: members, index: built)
    }

    // MARK: Collection of members

    public var startIndex: Int { 0 }
    public var endIndex: Int { members.count }
    public subscript(position: Int) -> Member { members[position] }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }
    /// The values in key order.
    public var values: [JSONValue] { members.map(\.value) }

    // MARK: Lookup and mutation

    /// The position of `key` among the members, or nil.
    public func position(of key: String) -> Int? {
        if let index { return index[JSONKey(key)] }
        for i in members.indices where utf8Equal(members[i].key, key) { return i }
        return nil
    }

    /// The member's value; setting nil removes it, setting a value behaves as `set`.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let newValue { set(key, to: newValue) } else { removeValue(forKey: key) }
        }
    }

    /// Inserts the member at the end, or replaces its value in place if the key exists.
    public mutating func set(_ key: String, to value: JSONValue) {
        if let i = position(of: key) {
            members[i].value = value
            return
        }
        members.append(Member(key: key, value: value))
        if index != nil {
            index?[JSONKey(key)] = members.count - 1
        } else if members.count > JSONObject.linearLimit {
            rebuildIndex()
        }
    }

    /// Removes the member and returns its value; later members keep their relative order.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = position(of: key) else { return nil }
        let old = members.remove(at: i).value
        if index != nil { rebuildIndex() }
        return old
    }

    /// Gives in-place access to an existing member's value (no copy of nested containers).
    /// Returns nil, without calling `body`, when the key is absent.
    mutating func modifyValue<R, E: Error>(forKey key: String, _ body: (inout JSONValue) throws(E) -> R) throws(E) -> R? {
        guard let i = position(of: key) else { return nil }
        return try body(&members[i].value)
    }

    private mutating func rebuildIndex() {
        guard members.count > JSONObject.linearLimit else {
            index = nil
            return
        }
        var built: [JSONKey: Int] = [:]
        built.reserveCapacity(members.count)
        for (i, member) in members.enumerated() { built[JSONKey(member.key)] = i }
        index = built
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.members {
            guard let j = rhs.position(of: member.key), member.value == rhs.members[j].value else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    /// Order-independent, to agree with `==`: each member is hashed alone and the results summed.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for member in members {
            var one = Hasher()
            JSONKey(member.key).hash(into: &one)
            one.combine(member.value)
            sum = sum &+ one.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

/// A dictionary key that hashes and compares a `String` by its UTF-8 bytes.
/// Internal to `JSONObject`; a value, any thread.
struct JSONKey: Hashable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (lhs: JSONKey, rhs: JSONKey) -> Bool { utf8Equal(lhs.string, rhs.string) }
    func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Byte-wise string equality: JSON strings are sequences of code points (RFC 8259 §8.3), and two
/// canonically equivalent but differently encoded strings are different JSON strings.
@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool {
    let a8 = a.utf8, b8 = b.utf8
    guard a8.count == b8.count else { return false }
    if let result = a8.withContiguousStorageIfAvailable({ pa in
        b8.withContiguousStorageIfAvailable { pb in pa.elementsEqual(pb) }
    }), let result {
        return result
    }
    return a8.elementsEqual(b8)
}

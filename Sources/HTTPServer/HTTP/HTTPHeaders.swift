// HTTP header fields as an ordered list with case-insensitive lookup (RFC 9110 §5.1).

/// An ordered list of header fields. Names are stored lower-cased (HTTP/2 requires it on the
/// wire, RFC 9113 §8.2.1, and HTTP/1.1 names are case-insensitive), values as received with
/// surrounding whitespace trimmed.
///
/// A value type owned by whoever holds it; it does not validate tokens (the parsers do).
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public typealias Element = (name: String, value: String)

    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        self.fields.reserveCapacity(fields.count)
        for (name, value) in fields { add(name: name, value: value) }
    }

    /// Appends a field; the name is lower-cased.
    public mutating func add(name: String, value: String) {
        fields.append((name: Self.lowercased(name), value: value))
    }

    /// Appends a field whose name the caller guarantees is already lower-case.
    package mutating func addLowercased(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Reserves room for `count` fields (the HTTP/1.1 parser does, once per request).
    package mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(first name: String) -> String? {
        let key = Self.lowercased(name)
        for field in fields where field.name == key { return field.value }
        return nil
    }

    /// Every value of `name` (case-insensitive), in order.
    public subscript(all name: String) -> [String] {
        let key = Self.lowercased(name)
        return fields.compactMap { $0.name == key ? $0.value : nil }
    }

    /// `name` lower-cased; as it is when it has no upper-case ASCII letter (the callers' names
    /// are literals such as "content-type": `lowercased()` would build a new string each time).
    /// The check runs over contiguous UTF-8 (`withUTF8`), not `utf8.allSatisfy`, whose index
    /// stepping made the Router's content-type lookup ~640 instructions; now ~370 (callgrind).
    private static func lowercased(_ name: String) -> String {
        var copy = name
        let alreadyLower = copy.withUTF8 { bytes in
            for b in bytes where b >= 0x80 || b &- UInt8(ascii: "A") < 26 { return false }
            return true
        }
        return alreadyLower ? name : name.lowercased()
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

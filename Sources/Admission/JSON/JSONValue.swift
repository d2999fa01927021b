// The JSON value type of the Admission module: what the parser produces and the writer consumes.

/// A JSON value (RFC 8259 §3). Numbers keep their source text; objects keep member order.
///
/// Owned by whoever decoded or built it; an immutable value, usable from any thread.
/// Equality is JSON equality: strings and keys compare by UTF-8 bytes (not Swift's canonical
/// equivalence), numbers by their text (see `JSONNumber.isNumericallyEqual` for values),
/// objects ignoring member order. It deliberately carries no schema knowledge of Kubernetes.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return utf8Equal(a, b)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); JSONKey(s).hash(into: &hasher)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o): hasher.combine(5); hasher.combine(o)
        }
    }
}

// MARK: - Accessors

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The member of an object, or nil (also when this is not an object).
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The element of an array, or nil when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// Walks object keys (and, where the container is an array, decimal indexes):
    /// `review["request", "object", "metadata", "name"]`. Nil when any step is missing.
    public subscript(path: String...) -> JSONValue? {
        self[path: path]
    }

    /// As `self[a, b, c]`, for a path held in an array.
    public subscript(path path: [String]) -> JSONValue? {
        var current = self
        for component in path {
            switch current {
            case .object(let o):
                guard let next = o[component] else { return nil }
                current = next
            case .array(let a):
                guard let i = JSONPointer.arrayIndex(component), i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

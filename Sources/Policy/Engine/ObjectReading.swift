// Typed, path-checked reads of Kubernetes objects for rules: absent is nil, a wrong type throws.
import Admission

extension JSONView {
    /// The value at `path`, or nil when it (or a parent) is absent or null. Throws when a
    /// parent on the way is present but not an object.
    public func lookup(_ path: [String]) throws(MalformedObject) -> JSONView? {
        switch walk(path) {
        case .found(let value): return value
        case .absent: return nil
        case .notObject(let depth): throw MalformedObject(path: Self.dotted(Array(path.prefix(depth))), expected: "an object")
        }
    }

    /// `lookup` over a laid-out path (the rules' hot reads): the same answers and errors.
    public func lookup(_ path: JSONPath) throws(MalformedObject) -> JSONView? {
        switch walk(path) {
        case .found(let value): return value
        case .absent: return nil
        case .notObject(let depth): throw MalformedObject(path: Self.dotted(Array(path.keys.prefix(depth))), expected: "an object")
        }
    }

    /// `object(at:)` over a laid-out path: the same answers and errors.
    public func object(at path: JSONPath) throws(MalformedObject) -> JSONView? {
        guard let value = try lookup(path) else { return nil }
        guard value.isObject else { throw MalformedObject(path: Self.dotted(path.keys), expected: "an object") }
        return value
    }

    /// The object at `path`, nil when absent or null; throws when present with another type.
    public func object(at path: [String]) throws(MalformedObject) -> JSONView? {
        guard let value = try lookup(path) else { return nil }
        guard value.isObject else { throw MalformedObject(path: Self.dotted(path), expected: "an object") }
        return value
    }

    /// The elements of the array at `path`, nil when absent or null; throws when present with
    /// another type.
    public func array(at path: [String]) throws(MalformedObject) -> [JSONView]? {
        guard let value = try lookup(path) else { return nil }
        guard value.isArray else { throw MalformedObject(path: Self.dotted(path), expected: "a list") }
        return value.elements
    }

    /// The string at `path`, nil when absent or null; throws when present with another type.
    public func string(at path: [String]) throws(MalformedObject) -> String? {
        guard let value = try lookup(path) else { return nil }
        guard let string = value.stringValue else { throw MalformedObject(path: Self.dotted(path), expected: "a string") }
        return string
    }

    /// A string map such as `metadata.annotations` or `metadata.labels`: nil when absent;
    /// throws when it is not an object or a value is not a string (the API server would have
    /// rejected such an object, so it is malformed input).
    public func stringMap(at path: [String]) throws(MalformedObject) -> [String: String]? {
        guard let object = try object(at: path) else { return nil }
        var map: [String: String] = [:]
        for member in object.members {
            guard let string = member.value.stringValue else {
                throw MalformedObject(path: Self.dotted(path) + "[\"\(member.key)\"]", expected: "a string")
            }
            map[member.key] = string
        }
        return map
    }

    /// `spec.template.metadata.annotations` style text for messages.
    public static func dotted(_ path: [String]) -> String {
        path.isEmpty ? "(object)" : path.joined(separator: ".")
    }
}

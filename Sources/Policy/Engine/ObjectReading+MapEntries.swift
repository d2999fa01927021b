// Single-entry reads and writes of string maps (annotations, labels, nodeSelector) for rules.
import Admission

extension JSONView {
    /// The value of `key` in the string map at `path`, reading only that entry: nil when the
    /// map, the key, or its value is absent or null; throws when the map (or a parent) is not an
    /// object, or the value is not a string.
    public func string(forKey key: String, inMapAt path: [String]) throws(MalformedObject) -> String? {
        guard let map = try object(at: path), let value = map[key] else { return nil }
        return try Self.string(value, key: key, path)
    }

    /// The same over a laid-out path (`KnativeServiceFields.At`): the reads of every review.
    public func string(forKey key: String, inMapAt path: JSONPath) throws(MalformedObject) -> String? {
        guard let map = try object(at: path), let value = map[key] else { return nil }
        return try Self.string(value, key: key, path.keys)
    }

    /// The same for a map already found at `path` (`object(at:)`; nil when absent): several
    /// keys of one map read with one walk to it.
    public static func string(forKey key: String, in map: JSONView?, at path: [String]) throws(MalformedObject) -> String? {
        guard let map, let value = map[key] else { return nil }
        return try string(value, key: key, path)
    }

    private static func string(_ value: JSONView, key: String, _ path: [String]) throws(MalformedObject) -> String? {
        if let string = value.stringValue { return string }
        if value.isNull { return nil }
        throw MalformedObject(path: FindingText.field(path, key: key), expected: "a string")
    }
}

extension JSONPatchBuilder {
    /// `set(path, to:)` for a rule: a parent on the way that exists but is not a map (which the
    /// builder refuses to replace) becomes `MalformedObject`, so the engine answers as for any
    /// object it cannot interpret. Missing parent maps are added as `{}` first (RFC 6902 `add`).
    public mutating func setField(_ path: [String], to value: JSONValue) throws(MalformedObject) {
        do {
            try set(path, to: value)
        } catch {
            throw MalformedObject(path: FindingText.field(Array(path.dropLast())), expected: "an object")
        }
    }

    /// `setField` for a static path (`JSONPatchBuilder.set(_:to:inOriginal:)`): `parent`, when
    /// the rule read it with `object(at:)`, is the map in the original that gets the key.
    public mutating func setField(_ path: JSONPath, to value: JSONValue, inOriginal parent: JSONView? = nil) throws(MalformedObject) {
        do {
            try set(path, to: value, inOriginal: parent)
        } catch {
            throw MalformedObject(path: FindingText.field(Array(path.keys.dropLast())), expected: "an object")
        }
    }
}

// Typed reads the mesh rules need beside ObjectReading: booleans, whole numbers, lists of strings and objects.
import Admission

extension JSONView {
    /// The boolean at `path`, nil when absent or null; throws when present with another type
    /// (a CRD boolean given as the string "true" is malformed, not true).
    func flag(at path: [String]) throws(MalformedObject) -> Bool? {
        guard let value = try lookup(path) else { return nil }
        guard let flag = value.boolValue else { throw MalformedObject(path: Self.dotted(path), expected: "a boolean") }
        return flag
    }

    /// The whole number at `path`, nil when absent or null; throws for any other type, for
    /// fractions and for numbers beyond Int64.
    func wholeNumber(at path: [String]) throws(MalformedObject) -> Int64? {
        guard let value = try lookup(path) else { return nil }
        guard let whole = value.numberValue?.int64Value else {
            throw MalformedObject(path: Self.dotted(path), expected: "a whole number")
        }
        return whole
    }

    /// The list of strings at `path`, nil when absent or null; throws when it is not a list or
    /// an element is not a string (the message names the element, `spec.members[2]`).
    func stringList(at path: [String]) throws(MalformedObject) -> [String]? {
        guard let array = try array(at: path) else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            guard let string = element.stringValue else {
                throw MalformedObject(path: "\(Self.dotted(path))[\(index)]", expected: "a string")
            }
            strings.append(string)
        }
        return strings
    }

    /// The list of objects at `path`, nil when absent or null; throws when it is not a list or
    /// an element is not an object. Null elements are kept out.
    func objectList(at path: [String]) throws(MalformedObject) -> [JSONView]? {
        guard let array = try array(at: path) else { return nil }
        var objects: [JSONView] = []
        objects.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            switch element.kind {
            case .object: objects.append(element)
            case .null: continue
            default: throw MalformedObject(path: "\(Self.dotted(path))[\(index)]", expected: "an object")
            }
        }
        return objects
    }
}

/// Runs a read of a list element and prefixes any `MalformedObject` path with the element's
/// own path, so `tls.mode` becomes `spec.servers[1].tls.mode`.
func reading<T>(_ prefix: String, _ body: () throws(MalformedObject) -> T) throws(MalformedObject) -> T {
    do throws(MalformedObject) {
        return try body()
    } catch {
        throw MalformedObject(path: "\(prefix).\(error.path)", expected: error.expected)
    }
}

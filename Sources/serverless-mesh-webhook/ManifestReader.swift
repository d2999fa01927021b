// Reads YAML or JSON manifests (multi-document, `List` kinds) into JSON values, as kubectl would.
import Admission
import Yams

/// Turns manifest text into the objects it holds. Stateless; any thread. YAML scalars become
/// JSON by their resolved tag (int, float, bool, null, else string), as Kubernetes' YAML
/// decoding does; `kind: ...List` objects are expanded into their `items`. It does not
/// support YAML anchors/aliases or custom tags (Kubernetes manifests do not use them).
enum ManifestReader {
    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    static func objects(in text: String) throws(ReadError) -> [JSONValue] {
        var objects: [JSONValue] = []
        do {
            var documents = try Yams.compose_all(yaml: text)
            while let node = documents.next() {
                let value = try json(node)
                if value.isNull { continue }
                objects += try expand(value)
            }
            // The sequence stops at a parse error instead of throwing it.
            if let error = documents.error { throw error }
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "not valid YAML or JSON: \("\(error)".split(separator: "\n").joined(separator: " "))")
        }
        return objects
    }

    private static func expand(_ value: JSONValue) throws(ReadError) -> [JSONValue] {
        guard case .object = value else { throw ReadError(description: "a document is not an object") }
        if let kind = value["kind"]?.stringValue, kind.hasSuffix("List"), let items = value["items"]?.arrayValue {
            var out: [JSONValue] = []
            for item in items { out += try expand(item) }
            return out
        }
        return [value]
    }

    private static func json(_ node: Node) throws(ReadError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.null.rawValue:
                return .null
            case Tag.Name.bool.rawValue:
                if let bool = Bool.construct(from: scalar) { return .bool(bool) }
            case Tag.Name.int.rawValue:
                if let number = JSONNumber(text: scalar.string) { return .number(number) }
                if let int = Int.construct(from: scalar) { return .number(JSONNumber(int)) }
            case Tag.Name.float.rawValue:
                if let number = JSONNumber(text: scalar.string) { return .number(number) }
                if let double = Double.construct(from: scalar), let number = JSONNumber(double) { return .number(number) }
            default:
                break
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { throw ReadError(description: "a mapping key is not a scalar") }
                object.set(keyScalar.string, to: try json(value))
            }
            return .object(object)
        case .sequence(let sequence):
            var array: [JSONValue] = []
            for element in sequence { array.append(try json(element)) }
            return .array(array)
        case .alias:
            throw ReadError(description: "YAML aliases are not supported in manifests")
        }
    }
}

// Indented JSON text for golden files and terminal output (key order kept).
import Admission

/// Formats a `JSONValue` with two-space indentation. Stateless; any thread.
enum PrettyJSON {
    static func format(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let object) where !object.isEmpty:
            out += "{\n"
            for (i, member) in object.members.enumerated() {
                out += pad + String(decoding: JSONValue.string(member.key).serialized(), as: UTF8.self) + ": "
                write(member.value, indent: indent + 1, into: &out)
                out += i + 1 < object.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        case .array(let array) where !array.isEmpty:
            out += "[\n"
            for (i, element) in array.enumerated() {
                out += pad
                write(element, indent: indent + 1, into: &out)
                out += i + 1 < array.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        default:
            out += String(decoding: value.serialized(), as: UTF8.self)
        }
    }
}

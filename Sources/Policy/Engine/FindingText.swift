// Pieces of finding messages: field paths and user values, shown safely on one line.

/// Formats the parts of rule messages that come from the object: field paths such as
/// `spec.template.metadata.annotations["sidecar.istio.io/inject"]` and user-written values.
/// Stateless; any thread. It deliberately does not word whole messages (each rule does, with
/// its doc section and fix) and never lets a user value bring a control character, a line
/// break or more than `maximumValueLength` characters into a warning (the API server drops
/// invalid warnings and truncates long ones).
public enum FindingText {
    /// The longest part of a user value echoed in a message, in characters.
    public static let maximumValueLength = 48

    /// `spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]`: decimal
    /// components after the first become `[n]`, and `key`, if given, is appended as `["key"]`.
    public static func field(_ path: [String], key: String? = nil) -> String {
        // Built as bytes: this runs for every patch note, so it avoids string interpolation.
        var text: [UInt8] = []
        text.reserveCapacity(96)
        for (n, component) in path.enumerated() {
            var component = component
            component.withUTF8 { utf8 in
                if n > 0, !utf8.isEmpty, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                    text.append(UInt8(ascii: "["))
                    text.append(contentsOf: utf8)
                    text.append(UInt8(ascii: "]"))
                } else {
                    if n > 0 { text.append(UInt8(ascii: ".")) }
                    text.append(contentsOf: utf8)
                }
            }
        }
        if let key {
            text.append(UInt8(ascii: "["))
            var quotedKey = quoted(key)
            quotedKey.withUTF8 { text.append(contentsOf: $0) }
            text.append(UInt8(ascii: "]"))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The value in double quotes, cut to `limit` characters (an ellipsis marks the cut),
    /// escaped by `escaped`.
    public static func quoted(_ value: String, limit: Int = maximumValueLength) -> String {
        // Fast path: short printable ASCII with nothing to escape (keys, most values), as bytes.
        var contiguous = value
        let plain: String? = contiguous.withUTF8 { utf8 in
            guard utf8.count <= limit, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else { return nil }
            return String(unsafeUninitializedCapacity: utf8.count + 2) { out in
                out[0] = 0x22
                _ = UnsafeMutableBufferPointer(rebasing: out[1...]).initialize(from: utf8)
                out[utf8.count + 1] = 0x22
                return utf8.count + 2
            }
        }
        if let plain { return plain }
        var scalars = value.unicodeScalars[...]
        var cut = false
        if scalars.count > limit {
            scalars = scalars.prefix(limit)
            cut = true
        }
        return "\"" + escaped(String(String.UnicodeScalarView(scalars))) + (cut ? "…" : "") + "\""
    }

    /// `text` on one line: `"` and `\` escaped, `\n` `\r` `\t` as such, other control and
    /// line-separator characters as `\u00XX`. Nothing is cut.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

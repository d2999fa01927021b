// Safe quoting of user values inside finding messages: one line, no control characters, bounded length.

/// Text helpers for the mesh rules' messages. Stateless; any thread. Messages echo user values
/// (names, versions, selectors); the engine joins denials with newlines and the API server
/// drops warnings with control characters, so every echoed value goes through `quoted`. It
/// deliberately does not wrap or shorten the rule's own text.
enum MeshMessage {
    /// `"value"` escaped and cut to `limit` characters (see `FindingText.quoted`).
    static func quoted(_ value: String, limit: Int = 40) -> String {
        FindingText.quoted(value, limit: limit)
    }

    /// The text `build(limit)` for the largest quoting limit (of 40, 32, 24, 16, 12, 8) that keeps
    /// `[id] text` within 120 characters, the warning length policy.md asks for; the smallest
    /// when none does.
    static func fitted(_ id: String, _ build: (Int) -> String) -> String {
        for limit in [40, 32, 24, 16, 12] {
            let text = build(limit)
            if id.count + 3 + text.count <= 120 { return text }
        }
        return build(8)
    }

    /// `{key: value, ...}` for a label map, keys sorted, keys and values through `quoted` when
    /// they hold anything but label characters; cut after `limit` characters.
    static func labels(_ map: [String: String], limit: Int = 48) -> String {
        let text = map.keys.sorted().map { "\(plain($0)): \(plain(map[$0] ?? ""))" }.joined(separator: ", ")
        let cut = text.count > limit ? String(text.prefix(limit)) + "…" : text
        return "{\(cut)}"
    }

    /// A label key or value as is when it only holds label characters, else quoted.
    private static func plain(_ text: String) -> String {
        let isPlain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/": return true
            default: return false
            }
        }
        return isPlain ? text : quoted(text, limit: 24)
    }
}

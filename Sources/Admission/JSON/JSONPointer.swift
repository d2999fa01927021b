// RFC 6901 JSON Pointer: the one audited escape/unescape, parsing, and resolution in a document.

/// A JSON Pointer (RFC 6901): a list of reference tokens, written as "/a/b~1c".
///
/// A value; any thread. Tokens are held unescaped; `description` escapes them with the single
/// audited `escape(_:)`, and `JSONWriter.append(pointer:)` writes the same text straight into a
/// JSON string; both take the escape of each byte from `escapeCode(for:)`. It deliberately
/// does not decide whether a token names an object member or an array index: that depends on
/// the document it is applied to (RFC 6901 §4). Equality and hashing are by the tokens' UTF-8
/// bytes, as for object keys: "é" (U+00E9) and "e\u{301}" are different tokens (RFC 6901 §4
/// compares reference tokens with member names code unit by code unit).
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible {
    /// The unescaped reference tokens; empty for the whole document ("").
    public var tokens: [String] {
        didSet { text = nil }  // the precomputed text no longer says these tokens
    }

    /// The escaped string form without quotes (`/a/b~1c`), when computed in advance by
    /// `init(precomputing:)`; nil otherwise (it is then escaped as it is written). Only for
    /// the static paths rules patch on every review (`JSONPath.pointer`): escaping a pointer
    /// as it is written cost ~650 instructions, copying this text ~40. Not part of equality.
    private(set) var text: [UInt8]?

    public init(tokens: [String]) { self.tokens = tokens }

    /// A pointer whose string form is escaped now, once, by the writer's own escaping
    /// (`JSONWriter.writeUnquoted(pointer:to:)`), so the precomputed text is byte for byte
    /// what writing it token by token gives.
    init(precomputing tokens: [String]) {
        self.tokens = tokens
        var text: [UInt8] = []
        JSONWriter.writeUnquoted(pointer: self, to: &text)
        self.text = text
    }

    public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.count == rhs.tokens.count && zip(lhs.tokens, rhs.tokens).allSatisfy { utf8Equal($0, $1) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens.count)
        for token in tokens { JSONKey(token).hash(into: &hasher) }
    }

    /// The pointer to the whole document ("").
    public static let root = JSONPointer(tokens: [])

    /// Parses the string form (RFC 6901 §3): "" or a sequence of "/" + token, where "~" must be
    /// followed by "0" or "1".
    public init(parsing text: String) throws(JSONPointerError) {
        if text.isEmpty {
            self.tokens = []
            return
        }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw JSONPointerError(pointer: text, message: "a non-empty JSON Pointer must start with '/'")
        }
        var tokens: [String] = []
        for raw in text.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let token = JSONPointer.unescape(String(decoding: raw, as: UTF8.self)) else {
                throw JSONPointerError(pointer: text, message: "'~' must be followed by '0' or '1'")
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// "/metadata/annotations/sidecar.istio.io~1inject"
    public var description: String {
        var out = ""
        for token in tokens {
            out += "/"
            out += JSONPointer.escape(token)
        }
        return out
    }

    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

    /// The pointer without its last token; nil for the root.
    public var parent: JSONPointer? { tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast())) }

    /// True if `self` is a proper prefix of `other` (RFC 6902 §4.4: a value cannot be moved into its own child).
    public func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && zip(tokens, other.tokens).allSatisfy { utf8Equal($0, $1) }
    }

    // MARK: - The audited escaping (RFC 6901 §3, §4)

    /// Escapes one reference token: "~" → "~0", then "/" → "~1" (RFC 6901 §3).
    /// Done in one left-to-right pass over the bytes, which is the same as replacing "~" first
    /// and "/" second: no output of one replacement is ever rescanned, so "~1" in a key becomes
    /// "~01" and never "/"-confusable. `sidecar.istio.io/inject` → `sidecar.istio.io~1inject`,
    /// `a~b/c` → `a~0b~1c`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { escapeCode(for: $0) != nil }) else { return token }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count + 4)
        for byte in token.utf8 {
            if let code = escapeCode(for: byte) {
                out.append(UInt8(ascii: "~"))
                out.append(code)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The byte written after "~" in place of `byte` ("0" for "~", "1" for "/"), or nil when
    /// `byte` stands for itself (RFC 6901 §3). The only statement of the escape table: `escape`
    /// and `JSONWriter.append(pointer:)` both ask here, so the String form and the bytes written
    /// into a patch cannot drift apart. Neither escape byte ("~", "0", "1") nor the bytes it
    /// replaces need JSON string escaping, which is what lets the writer do both in one pass.
    @inline(__always)
    static func escapeCode(for byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "~"): UInt8(ascii: "0")
        case UInt8(ascii: "/"): UInt8(ascii: "1")
        default: nil
        }
    }

    /// Reverses `escape`: "~1" → "/" and "~0" → "~" in one left-to-right pass (equivalent to
    /// RFC 6901 §4's "first ~1, then ~0": "~01" becomes "~1", not "/"). Nil when a "~" is not
    /// followed by "0" or "1" (RFC 6901 §3 grammar).
    public static func unescape(_ token: String) -> String? {
        guard token.utf8.contains(UInt8(ascii: "~")) else { return token }
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        var iterator = token.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "~") else {
                out.append(byte)
                continue
            }
            switch iterator.next() {
            case UInt8(ascii: "0"): out.append(UInt8(ascii: "~"))
            case UInt8(ascii: "1"): out.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An array index token (RFC 6901 §4): "0" or a digit 1–9 followed by digits; no sign, no
    /// leading zeros. Nil otherwise (including "-", and values too large for `Int`).
    public static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        if first == UInt8(ascii: "0") { return utf8.count == 1 ? 0 : nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }
}

/// A JSON Pointer that is malformed or does not resolve. Thrown by `JSONPointer(parsing:)`;
/// a value, any thread; it does not carry the document.
public struct JSONPointerError: Error, Equatable, Sendable, CustomStringConvertible {
    public let pointer: String
    public let message: String
    public var description: String { "invalid JSON Pointer \"\(pointer)\": \(message)" }
}

extension JSONValue {
    /// The value the pointer refers to (RFC 6901 §4), or nil if any token does not resolve.
    /// In an array a token must be an index below the count; "-" never resolves here.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        self[path: pointer.tokens]
    }
}

// The error the JSON parser throws: where (byte offset) and what went wrong.

/// Why and where a document is not JSON: `offset` is the index of the offending byte in the input
/// (the input's length when it ended too early).
///
/// Created by `JSONParser`, owned by the caller that catches it; a value, any thread.
/// It deliberately carries no copy of the input, so it is safe to log (no Secret data).
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte index into the input where the problem was found.
    public let offset: Int
    /// What is wrong, e.g. "expected ':' after object key".
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// "invalid JSON at byte 17: expected ':' after object key"
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

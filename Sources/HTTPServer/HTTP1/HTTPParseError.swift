// Why the HTTP/1.1 parser refused a request, carrying the status to answer with.

/// A terminal parse failure: the caller answers `status` with `HTTPResponse.error(status,
/// message)` and closes the connection. Produced by `RequestParser` on the connection's
/// event-loop thread; a value. It deliberately carries no bytes of the request (they may be
/// hostile or secret).
package struct HTTPParseError: Error, Equatable, Sendable {
    /// 400, 411, 413, 417, 431, 501 or 505.
    package let status: Int
    /// A short, fixed, human-readable reason (safe to log and to send back).
    package let message: String

    package init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> HTTPParseError {
        HTTPParseError(status: 400, message: message)
    }
}

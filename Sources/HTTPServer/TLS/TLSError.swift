// The one error type of the TLS layer: a single line naming the file and the problem.

/// Thrown by `TLSContext.load` and `TLSConnection.init`, logged by whoever catches it (startup
/// prints it and exits 2; the reloader logs it and keeps the old context); any thread.
/// It carries no error codes to branch on: callers only report it.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One line, e.g. "certificate /etc/tls/tls.crt expired at 2026-01-01T00:00:00Z".
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

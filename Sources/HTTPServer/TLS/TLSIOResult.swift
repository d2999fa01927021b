// The outcome of one non-blocking TLS operation, as the event loop needs to see it.

/// Returned by `TLSConnection` to the event-loop thread that owns the connection.
/// It does not say what to do next beyond the retry direction: the event loop decides.
package enum TLSIOResult: Equatable, Sendable {
    /// Bytes read or written; 0 for a finished handshake.
    case done(Int)
    /// Call the same operation again when the socket is readable.
    case wantRead
    /// Call the same operation again when the socket is writable.
    case wantWrite
    /// The peer closed cleanly (close_notify) or the socket reached EOF.
    case closed
    /// A protocol or socket error; the connection is dead, close the fd without `shutdown()`.
    case failed(String)
}

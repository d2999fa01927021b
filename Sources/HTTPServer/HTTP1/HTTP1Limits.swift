// Size limits the HTTP/1.1 request parser enforces, with the statuses server.md gives them.

/// The byte limits of one HTTP/1.1 connection's parser. A plain value copied into each
/// `RequestParser` on the event-loop thread that owns the connection; it holds no defaults from
/// the command line itself (the server wires `--max-body-bytes` into `maxBodyBytes`).
package struct HTTP1Limits: Sendable {
    /// Request line plus header fields (and, later, trailer fields), CRLFs included; over it the
    /// request is answered 431 (RFC 6585 §5).
    package var maxHeaderBytes: Int
    /// Decoded body bytes; over it the request is answered 413 (RFC 9110 §15.5.14).
    package var maxBodyBytes: Int

    package init(maxHeaderBytes: Int = 65536, maxBodyBytes: Int = 7340032) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

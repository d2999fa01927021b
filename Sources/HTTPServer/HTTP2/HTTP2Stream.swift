// The Swift-side state of one HTTP/2 stream: the request being assembled and the response body being sent.

/// One request/response exchange on an HTTP/2 connection. Owned by its `HTTP2Session` (kept in
/// its stream table from the request's first HEADERS until nghttp2 closes the stream) and used
/// only on that session's event-loop thread. It does not talk to nghttp2 itself and holds no
/// frame state: nghttp2 tracks stream states (RFC 9113 §5.1), this holds the bytes.
final class HTTP2Stream {
    /// Where the request side stands.
    enum Phase: Equatable {
        /// Headers or body still arriving.
        case receiving
        /// END_STREAM arrived; the request waits in `queuedRequest` for `takeCompletedRequests`.
        case queued
        /// Handed to the caller, which owes a `respond`.
        case handedOver
        /// A response was submitted (by the caller, or early by the session for 413/431).
        case responding
        /// Reset by the session (malformed request); nothing more is done for it.
        case reset
    }

    let id: Int32
    var phase: Phase = .receiving

    // Request head, filled by the header callback.
    var method: String?
    var target: String?
    var hasAuthority = false
    var headers = HTTPHeaders()
    var contentLength: Int?
    /// Bytes of the current field section, counted as RFC 9113 §6.5.2 does (name + value + 32).
    var headerListBytes = 0
    var headerListTooLarge = false

    // Request body and completion.
    var body: [UInt8] = []
    /// END_STREAM received from the client (stream half-closed remote, RFC 9113 §5.1).
    var remoteClosed = false
    var queuedRequest: HTTPRequest?

    // Response.
    /// Set for early responses (413/431) sent while the client may still be sending: once the
    /// response ends, the session resets the stream with NO_ERROR (RFC 9113 §8.1).
    var resetWhenResponseEnds = false
    var responseBody: [UInt8] = []
    var responseOffset = 0

    init(id: Int32) {
        self.id = id
    }

    /// Turns the assembled head and body into a request, moving the body out.
    func makeRequest() -> HTTPRequest {
        let request = HTTPRequest(method: method ?? "", target: target ?? "", version: .h2, headers: headers, body: body)
        headers = HTTPHeaders()
        body = []
        return request
    }

    /// Drops everything received so far (the request will not be handed over).
    func discardRequest() {
        headers = HTTPHeaders()
        body = []
        queuedRequest = nil
    }
}

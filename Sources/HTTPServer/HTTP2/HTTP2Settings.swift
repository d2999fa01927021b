// The limits one HTTP/2 server session advertises and enforces.

/// The per-connection HTTP/2 limits. A value owned by whoever configures the server and copied
/// into each `HTTP2Session`; read on the event-loop thread that owns the session. It only holds
/// numbers: the session advertises them in SETTINGS and enforces them.
package struct HTTP2Settings: Sendable, Equatable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §6.5.2); extra streams get REFUSED_STREAM.
    package var maxConcurrentStreams: UInt32
    /// SETTINGS_MAX_HEADER_LIST_SIZE, counted as name + value + 32 per field (RFC 9113 §6.5.2);
    /// a request over it is answered 431.
    package var maxHeaderListSize: Int
    /// Per-stream request body limit; over it the request is answered 413.
    package var maxBodyBytes: Int
    /// SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window. The connection window is
    /// enlarged to `connectionWindowSize` so that a full-window body flows at once.
    package var initialWindowSize: Int32

    package init(
        maxConcurrentStreams: UInt32 = 100,
        maxHeaderListSize: Int = 65536,
        maxBodyBytes: Int = 7_340_032,
        initialWindowSize: Int32 = 1 << 20
    ) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxHeaderListSize = max(0, maxHeaderListSize)
        self.maxBodyBytes = max(0, maxBodyBytes)
        // RFC 9113 §6.5.2: the initial window is at most 2^31-1 (Int32.max); 0 would stall.
        self.initialWindowSize = max(1, initialWindowSize)
    }

    /// The connection-level receive window: four streams' worth, capped at 2^31-1
    /// (RFC 9113 §6.9.1), never below the stream window.
    package var connectionWindowSize: Int32 {
        Int32(min(Int(Int32.max), Int(initialWindowSize) * 4))
    }
}

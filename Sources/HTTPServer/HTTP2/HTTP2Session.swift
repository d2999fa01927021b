// The server side of one HTTP/2 connection: libnghttp2 driven in memory (mem_recv in, mem_send out).
import CNghttp2

/// One server-side HTTP/2 connection state.
///
/// Owned by the connection object of a single event-loop thread and used only on that thread.
/// Owns the `nghttp2_session*` and frees it in `deinit`; the C callbacks recover `self` from
/// `user_data` (unretained) and forward to the methods in `HTTP2Session+Callbacks.swift`.
///
/// It deliberately knows nothing of sockets, TLS, timers or routing: bytes go in through
/// `receive`, whole requests come out of `takeCompletedRequests`, responses go in through
/// `respond`, and bytes come out of `drainOutput`.
package final class HTTP2Session {
    let settings: HTTP2Settings
    /// The nghttp2 session; nil only if `init` failed half-way.
    private(set) var session: OpaquePointer?
    /// Streams whose request began and that nghttp2 has not closed yet.
    var streams: [Int32: HTTP2Stream] = [:]
    /// Streams whose request completed since the last `takeCompletedRequests`, in order.
    var completedStreamIDs: [Int32] = []
    /// Streams to reset with NO_ERROR once their early response has been serialized.
    var pendingResets: [Int32] = []
    /// Frames serialized during `receive` (so that a connection error is known at once),
    /// handed out by the next `drainOutput`.
    private var pendingOutput: [UInt8] = []
    /// A GOAWAY with an error code was produced, or nghttp2 failed: the connection must close.
    var connectionFailed = false
    private var shutdownStarted = false
    /// PING and SETTINGS frames (not ACKs) each make nghttp2 queue an ACK. nghttp2's flood
    /// limit (`max_outbound_ack`) counts only ACKs not yet serialized, and this session
    /// serializes after every read, so a flood of fewer than 1000 per read would never trip it.
    /// This bucket does: 1000 at once, then 100 per second; past it, GOAWAY(ENHANCE_YOUR_CALM).
    var controlFrameTokens = HTTP2Session.controlFrameBurst
    var controlFrameRefilledAt = monotonicNanoseconds()
    static let controlFrameBurst = 1000.0
    static let controlFramesPerSecond = 100.0

    /// Creates the session and queues the server's SETTINGS (RFC 9113 §3.4: the server
    /// preface) and the connection WINDOW_UPDATE.
    package init(settings: HTTP2Settings) throws {
        self.settings = settings

        var callbacks: OpaquePointer?
        var rv = nghttp2_session_callbacks_new(&callbacks)
        guard rv == 0, let callbacks else {
            throw HTTP2SessionError(call: "nghttp2_session_callbacks_new", code: rv)
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.installCallbacks(callbacks)

        var option: OpaquePointer?
        rv = nghttp2_option_new(&option)
        guard rv == 0, let option else {
            throw HTTP2SessionError(call: "nghttp2_option_new", code: rv)
        }
        defer { nghttp2_option_del(option) }
        // Rapid reset (CVE-2023-44487): the bucket nghttpx uses, 1000 then 33 per second.
        nghttp2_option_set_stream_reset_rate_limit(option, 1000, 33)
        // CONTINUATION flood (CVE-2024-27316 family): at most 8 after a HEADERS frame.
        nghttp2_option_set_max_continuations(option, 8)
        nghttp2_option_set_max_settings(option, 32)
        nghttp2_option_set_max_outbound_ack(option, 1000)
        // Closed streams are kept only for the RFC 7540 priority tree, which we do not use.
        nghttp2_option_set_no_closed_streams(option, 1)

        var raw: OpaquePointer?
        rv = nghttp2_session_server_new2(&raw, callbacks, Unmanaged.passUnretained(self).toOpaque(), option)
        guard rv == 0, let raw else {
            throw HTTP2SessionError(call: "nghttp2_session_server_new2", code: rv)
        }
        session = raw

        var entries = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: settings.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(clamping: settings.maxHeaderListSize)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(settings.initialWindowSize)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
        ]
        rv = nghttp2_submit_settings(raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count)
        guard rv == 0 else { throw HTTP2SessionError(call: "nghttp2_submit_settings", code: rv) }
        // The connection window is not a setting: WINDOW_UPDATE on stream 0 (RFC 9113 §6.9.2).
        rv = nghttp2_session_set_local_window_size(raw, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, settings.connectionWindowSize)
        guard rv == 0 else { throw HTTP2SessionError(call: "nghttp2_session_set_local_window_size", code: rv) }
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    /// Feeds plaintext from the peer. Returns false when the connection must close: a
    /// connection error (bad preface, flood, protocol error; a GOAWAY is then queued) or a
    /// finished session. The caller then drains the output, writes it and closes.
    package func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let session, !connectionFailed else { return false }
        if let base = bytes.baseAddress, bytes.count > 0 {
            let rv = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
            if rv < 0 { failConnection(nghttp2Error: Int32(truncatingIfNeeded: rv)) }
        }
        // Serialize now so that a GOAWAY nghttp2 decided on (rapid reset) is seen here.
        if !serializeFrames(into: &pendingOutput) { connectionFailed = true }
        return !connectionFailed && nghttp2_session_want_read(session) != 0
    }

    /// The requests whose END_STREAM arrived since the last call, in arrival order. Requests on
    /// streams the client already reset are left out.
    package func takeCompletedRequests() -> [(stream: Int32, request: HTTPRequest)] {
        if completedStreamIDs.isEmpty { return [] }
        var taken: [(stream: Int32, request: HTTPRequest)] = []
        taken.reserveCapacity(completedStreamIDs.count)
        for id in completedStreamIDs {
            guard let stream = streams[id], stream.phase == .queued, let request = stream.queuedRequest else { continue }
            stream.queuedRequest = nil
            stream.phase = .handedOver
            taken.append((stream: id, request: request))
        }
        completedStreamIDs.removeAll(keepingCapacity: true)
        return taken
    }

    /// Submits the response for a request handed out by `takeCompletedRequests`. Ignored when
    /// the stream is gone (the client reset it) or was already answered.
    package func respond(stream id: Int32, with response: HTTPResponse) {
        guard let stream = streams[id], stream.phase == .handedOver else { return }
        submitResponse(response, on: stream, headOnly: stream.method == "HEAD")
    }

    /// Appends every frame nghttp2 wants to send. Returns false on a fatal nghttp2 error (the
    /// caller closes without writing more).
    package func drainOutput(into out: inout [UInt8]) -> Bool {
        if !pendingOutput.isEmpty {
            out.append(contentsOf: pendingOutput)
            // Keep a small buffer for the next round, not a large one per idle connection.
            pendingOutput.removeAll(keepingCapacity: pendingOutput.capacity <= 65536)
        }
        if !serializeFrames(into: &out) {
            connectionFailed = true
            return false
        }
        return true
    }

    /// Sends GOAWAY(NO_ERROR) with the last stream the session processed (RFC 9113 §6.8):
    /// streams already begun still complete; later ones are ignored, and the client knows it
    /// may retry them elsewhere. One GOAWAY, no shutdown-notice round trip: the caller has no
    /// timer here, and a client retries the ignored streams. The GOAWAY is serialized at once
    /// (handed out by the next `drainOutput`) so that no stream begins after this call.
    /// Safe to call more than once.
    package func startGracefulShutdown() {
        guard let session, !shutdownStarted, !connectionFailed else { return }
        shutdownStarted = true
        let lastStream = nghttp2_session_get_last_proc_stream_id(session)
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStream,
                                  NGHTTP2_NO_ERROR.rawValue, nil, 0)
        if !serializeFrames(into: &pendingOutput) { connectionFailed = true }
    }

    /// True when the connection should close: nothing more to read or write, or a connection
    /// error whose GOAWAY has been handed out.
    package var isFinished: Bool {
        guard let session else { return true }
        guard pendingOutput.isEmpty else { return false }
        if connectionFailed { return true }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    /// Streams with a request begun and not yet closed.
    package var activeStreamCount: Int { streams.count }

    /// True when `drainOutput` would produce bytes.
    package var hasPendingOutput: Bool {
        guard let session else { return false }
        return !pendingOutput.isEmpty || nghttp2_session_want_write(session) != 0
    }

    // MARK: - Internals

    /// Loops nghttp2_session_mem_send until it has nothing more; submits the NO_ERROR resets
    /// that finished early responses asked for. False on a fatal error.
    private func serializeFrames(into out: inout [UInt8]) -> Bool {
        guard let session else { return false }
        while true {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if n < 0 { return false }
            if n > 0, let data {
                out.append(contentsOf: UnsafeBufferPointer(start: data, count: n))
                continue
            }
            if pendingResets.isEmpty { return true }
            for id in pendingResets {
                _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_NO_ERROR.rawValue)
            }
            pendingResets.removeAll(keepingCapacity: true)
        }
    }

    /// nghttp2_session_mem_recv failed: queue a GOAWAY with a fitting code (RFC 9113 §5.4.1)
    /// and mark the connection for closing.
    private func failConnection(nghttp2Error rv: Int32) {
        connectionFailed = true
        guard let session else { return }
        let code: nghttp2_error_code
        switch rv {
        case NGHTTP2_ERR_FLOODED.rawValue, NGHTTP2_ERR_TOO_MANY_CONTINUATIONS.rawValue:
            code = NGHTTP2_ENHANCE_YOUR_CALM
        case NGHTTP2_ERR_NOMEM.rawValue, NGHTTP2_ERR_CALLBACK_FAILURE.rawValue:
            code = NGHTTP2_INTERNAL_ERROR
        default:
            code = NGHTTP2_PROTOCOL_ERROR
        }
        // Fails harmlessly if nghttp2 already queued its own GOAWAY.
        _ = nghttp2_session_terminate_session(session, code.rawValue)
    }

    /// Takes one token for a PING or SETTINGS frame; false once the client floods. Then the
    /// session is terminated with ENHANCE_YOUR_CALM (later PING/SETTINGS get no ACK: nghttp2
    /// does not answer them once the session is closing).
    func admitControlFrame(now: Int64 = monotonicNanoseconds()) -> Bool {
        let elapsed = Double(max(0, now &- controlFrameRefilledAt)) / 1e9
        controlFrameRefilledAt = now
        controlFrameTokens = min(Self.controlFrameBurst, controlFrameTokens + elapsed * Self.controlFramesPerSecond)
        if controlFrameTokens >= 1 {
            controlFrameTokens -= 1
            return true
        }
        if !connectionFailed, let session {
            connectionFailed = true
            _ = nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
        }
        return false
    }
}

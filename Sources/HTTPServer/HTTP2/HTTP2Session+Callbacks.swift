// The libnghttp2 callbacks of HTTP2Session: C entry points that forward to Swift methods.
import CNghttp2

extension HTTP2Session {
    /// Recovers the session from nghttp2's `user_data` (unretained: the session owns the
    /// nghttp2 session, which never outlives it).
    @inline(__always)
    static func from(_ userData: UnsafeMutableRawPointer?) -> HTTP2Session? {
        guard let userData else { return nil }
        return Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue()
    }

    static let callbackFailure = NGHTTP2_ERR_CALLBACK_FAILURE.rawValue

    /// Registers the C callbacks. None of them throws or traps: failures are nghttp2 codes.
    static func installCallbacks(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame, let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.beginHeaders(frame.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.receiveField(frame.pointee,
                                 name: UnsafeBufferPointer(start: name, count: name == nil ? 0 : nameLength),
                                 value: UnsafeBufferPointer(start: value, count: value == nil ? 0 : valueLength))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame, let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.frameReceived(frame.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.receiveData(stream: streamID, UnsafeBufferPointer(start: data, count: data == nil ? 0 : length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
            guard let frame, let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.frameSent(frame.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            guard let session = HTTP2Session.from(userData) else { return HTTP2Session.callbackFailure }
            session.streams.removeValue(forKey: streamID)
            return 0
        }
    }

    // MARK: - Swift side of the callbacks

    /// A HEADERS frame begins a field section. A request opens a stream record; trailers
    /// (RFC 9113 §8.1) start a new count against the header list limit.
    func beginHeaders(_ frame: nghttp2_frame) {
        guard frame.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return }
        let id = frame.hd.stream_id
        if frame.headers.cat == NGHTTP2_HCAT_REQUEST {
            streams[id] = HTTP2Stream(id: id)
        } else if let stream = streams[id] {
            stream.headerListBytes = 0
        }
    }

    /// One decoded field. nghttp2 has already validated names and values and pseudo-header
    /// placement (RFC 9113 §8.2, §8.3); this maps and counts them.
    func receiveField(_ frame: nghttp2_frame, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[frame.hd.stream_id] else { return }
        // RFC 9113 §6.5.2: the size of a field is its name and value lengths plus 32.
        stream.headerListBytes += name.count + value.count + 32
        if stream.headerListBytes > settings.maxHeaderListSize {
            if !stream.headerListTooLarge {
                stream.headerListTooLarge = true
                stream.discardRequest()
            }
            return
        }
        // Trailers are counted, not kept: HTTPRequest has no place for them.
        guard !stream.headerListTooLarge, stream.phase == .receiving, frame.headers.cat == NGHTTP2_HCAT_REQUEST else { return }

        if name.first == UInt8(ascii: ":") {
            if name.elementsEqual(":method".utf8) {
                stream.method = String(decoding: value, as: UTF8.self)
            } else if name.elementsEqual(":path".utf8) {
                stream.target = String(decoding: value, as: UTF8.self)
            } else if name.elementsEqual(":authority".utf8) {
                // RFC 9113 §8.3.1: :authority stands in for Host; handlers read `host`.
                stream.hasAuthority = true
                stream.headers.addLowercased(name: "host", value: String(decoding: value, as: UTF8.self))
            }
            // :scheme (and :protocol, never enabled) are dropped.
            return
        }
        if name.elementsEqual("host".utf8), stream.hasAuthority { return }
        let fieldValue = String(decoding: value, as: UTF8.self)
        if name.elementsEqual("content-length".utf8) {
            stream.contentLength = Int(fieldValue)
        }
        // nghttp2 rejects upper-case names in HTTP/2 (RFC 9113 §8.2.1), so these are lower-case.
        stream.headers.addLowercased(name: String(decoding: name, as: UTF8.self), value: fieldValue)
    }

    /// A complete frame arrived. HEADERS ends a field section; END_STREAM ends the request;
    /// PING and SETTINGS are counted against the control-frame flood limit.
    func frameReceived(_ frame: nghttp2_frame) {
        let type = frame.hd.type
        if type == UInt8(NGHTTP2_PING.rawValue) || type == UInt8(NGHTTP2_SETTINGS.rawValue),
           frame.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 {
            _ = admitControlFrame()
            return
        }
        guard type == UInt8(NGHTTP2_HEADERS.rawValue) || type == UInt8(NGHTTP2_DATA.rawValue),
              let stream = streams[frame.hd.stream_id] else { return }
        if type == UInt8(NGHTTP2_HEADERS.rawValue) {
            if frame.headers.cat == NGHTTP2_HCAT_REQUEST {
                requestHeadersEnded(stream)
            } else if stream.headerListTooLarge {
                rejectEarly(stream, status: 431, message: "request trailers too large")
            }
        }
        if frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 {
            stream.remoteClosed = true
            requestEnded(stream)
        }
    }

    /// The request head is complete: check it and size the body buffer.
    private func requestHeadersEnded(_ stream: HTTP2Stream) {
        if stream.headerListTooLarge {
            rejectEarly(stream, status: 431, message: "request header fields too large")
            return
        }
        // nghttp2 already resets requests without :method/:scheme/:path (RFC 9113 §8.3.1);
        // CONNECT (no :path) and `OPTIONS *` remain, which this server does not serve.
        guard stream.phase == .receiving, stream.method != nil,
              let target = stream.target, target.utf8.first == UInt8(ascii: "/") else {
            resetStream(stream, code: NGHTTP2_PROTOCOL_ERROR)
            return
        }
        if let length = stream.contentLength {
            if length > settings.maxBodyBytes {
                rejectEarly(stream, status: 413, message: "request body larger than \(settings.maxBodyBytes) bytes")
                return
            }
            stream.body.reserveCapacity(length)
        }
    }

    /// END_STREAM arrived: queue the request unless the session already answered it.
    private func requestEnded(_ stream: HTTP2Stream) {
        guard stream.phase == .receiving else { return }
        stream.queuedRequest = stream.makeRequest()
        stream.phase = .queued
        completedStreamIDs.append(stream.id)
    }

    /// A chunk of request body. Over the limit, the request is answered 413 at once and the
    /// rest of its body is dropped (flow control still credits it: nghttp2 does that).
    func receiveData(stream id: Int32, _ data: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[id], stream.phase == .receiving else { return }
        if data.count > settings.maxBodyBytes - stream.body.count {
            rejectEarly(stream, status: 413, message: "request body larger than \(settings.maxBodyBytes) bytes")
            return
        }
        stream.body.append(contentsOf: data)
    }

    /// A frame was serialized. An early response that ended while the client is still sending
    /// is followed by RST_STREAM(NO_ERROR) (RFC 9113 §8.1); a GOAWAY carrying an error code
    /// (nghttp2's own, e.g. the rapid-reset limit) means the connection is done.
    func frameSent(_ frame: nghttp2_frame) {
        let type = frame.hd.type
        if type == UInt8(NGHTTP2_GOAWAY.rawValue) {
            if frame.goaway.error_code != NGHTTP2_NO_ERROR.rawValue { connectionFailed = true }
            return
        }
        guard type == UInt8(NGHTTP2_HEADERS.rawValue) || type == UInt8(NGHTTP2_DATA.rawValue),
              frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
              let stream = streams[frame.hd.stream_id],
              stream.resetWhenResponseEnds, !stream.remoteClosed else { return }
        stream.resetWhenResponseEnds = false
        pendingResets.append(stream.id)
    }

    /// Answers a request the session refuses (413, 431) before it is complete, and drops what
    /// it carried. If a response is no longer possible, resets the stream instead.
    func rejectEarly(_ stream: HTTP2Stream, status: Int, message: String) {
        guard stream.phase == .receiving || stream.phase == .queued else { return }
        stream.discardRequest()
        // RFC 9113 §8.1 allows RST_STREAM(NO_ERROR) after an early response, but clients such
        // as curl 7.88 report it as a stream error. When the announced body fits in the window
        // the client already has, let it finish sending (the bytes are dropped) instead.
        let fitsInWindow = stream.contentLength.map { $0 <= Int(settings.initialWindowSize) } ?? false
        stream.resetWhenResponseEnds = !fitsInWindow
        if !submitResponse(HTTPResponse.error(status, message), on: stream, headOnly: stream.method == "HEAD") {
            resetStream(stream, code: NGHTTP2_INTERNAL_ERROR)
        }
    }

    /// Resets one stream (RFC 9113 §5.4.2); other streams are unaffected.
    func resetStream(_ stream: HTTP2Stream, code: nghttp2_error_code) {
        stream.discardRequest()
        stream.phase = .reset
        guard let session else { return }
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, code.rawValue)
    }
}

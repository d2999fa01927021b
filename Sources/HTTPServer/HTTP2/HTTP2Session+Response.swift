// How HTTP2Session turns an HTTPResponse into HEADERS and DATA frames.
import CNghttp2

extension HTTP2Session {
    /// Submits `response` on `stream`: :status, the handler's headers minus connection-specific
    /// ones (RFC 9113 §8.2.2), content-length, then the body through a data provider that
    /// reads from the stream's own buffer. Returns false if nghttp2 refused it.
    @discardableResult
    func submitResponse(_ response: HTTPResponse, on stream: HTTP2Stream, headOnly: Bool) -> Bool {
        guard let session else { return false }
        let status = (200...599).contains(response.status) ? response.status : 500
        // RFC 9110 §8.6: no content-length on 204 or 304; §6.4.1: those carry no content.
        let bodyless = status == 204 || status == 304
        let body = bodyless ? [] : response.body

        var arena: [UInt8] = []
        var fields: [(nameStart: Int, nameCount: Int, valueStart: Int, valueCount: Int)] = []
        fields.reserveCapacity(response.headers.count + 2)
        func add(_ name: String, _ value: String) {
            let nameStart = arena.count
            arena.append(contentsOf: name.utf8)
            let valueStart = arena.count
            arena.append(contentsOf: value.utf8)
            fields.append((nameStart, valueStart - nameStart, valueStart, arena.count - valueStart))
        }
        add(":status", String(status))
        response.headers.forEachField { name, value in
            if !Self.isConnectionSpecific(name) { add(name, value) }
        }
        if !bodyless { add("content-length", String(body.count)) }

        stream.responseBody = headOnly ? [] : body
        stream.responseOffset = 0
        stream.phase = .responding
        let sendsData = !stream.responseBody.isEmpty

        let rv: Int32 = arena.withUnsafeMutableBufferPointer { bytes -> Int32 in
            guard let base = bytes.baseAddress else { return NGHTTP2_ERR_INVALID_ARGUMENT.rawValue }
            var nva = fields.map { field in
                nghttp2_nv(name: base + field.nameStart, value: base + field.valueStart,
                           namelen: field.nameCount, valuelen: field.valueCount,
                           flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            // nghttp2 copies the name/value pairs and the provider struct.
            guard sendsData else { return nghttp2_submit_response(session, stream.id, &nva, nva.count, nil) }
            var provider = nghttp2_data_provider()
            provider.read_callback = { _, streamID, buffer, length, flags, _, userData in
                guard let buffer, let flags, let session = HTTP2Session.from(userData) else {
                    return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
                }
                return session.readResponseBody(stream: streamID, into: buffer, length: length, flags: flags)
            }
            return nghttp2_submit_response(session, stream.id, &nva, nva.count, &provider)
        }
        if rv != 0 { stream.responseBody = [] }
        return rv == 0
    }

    /// The data provider: copies the next slice of the stream's response body, and marks EOF
    /// (which sets END_STREAM) with the last one, then frees the buffer.
    func readResponseBody(stream id: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[id] else {
            // The stream vanished under nghttp2's feet: reset it rather than fail the connection.
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let remaining = stream.responseBody.count - stream.responseOffset
        let count = min(remaining, length)
        if count > 0 {
            stream.responseBody.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                buffer.update(from: base + stream.responseOffset, count: count)
            }
            stream.responseOffset += count
        }
        if stream.responseOffset >= stream.responseBody.count {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            stream.responseBody = []
            stream.responseOffset = 0
        }
        return count
    }

    /// Connection-specific fields must not appear in HTTP/2 (RFC 9113 §8.2.2); content-length
    /// is recomputed from the body.
    static func isConnectionSpecific(_ name: String) -> Bool {
        switch name {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length":
            return true
        default:
            return false
        }
    }
}

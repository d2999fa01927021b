// An in-memory HTTP/2 client on nghttp2's client API, plus raw frame helpers, for HTTP2Session tests.
import CNghttp2
@testable import HTTPServer

/// What the client saw on one stream it opened.
struct HTTP2TestResponse {
    var status: Int?
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// RST_STREAM received for the stream, with its error code.
    var resetCode: UInt32?
    /// The stream closed; the code nghttp2 reported (NO_ERROR for a normal end).
    var closeCode: UInt32?

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    var bodyString: String { String(decoding: body, as: UTF8.self) }
}

/// A test-only HTTP/2 client session fed and drained in memory. Owned by one test and used on
/// its thread only. It does no TLS, no sockets, and validates nothing the server sends beyond
/// what nghttp2 itself checks.
final class HTTP2TestClient {
    private var session: OpaquePointer?
    private(set) var responses: [Int32: HTTP2TestResponse] = [:]
    private(set) var goaways: [(lastStreamID: Int32, errorCode: UInt32)] = []
    /// nghttp2 reported a fatal error consuming server output.
    private(set) var failed = false
    private var requestBodies: [Int32: (bytes: [UInt8], offset: Int)] = [:]

    init() {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { failed = true; return }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let name, let value, let client = HTTP2TestClient.from(userData) else { return 0 }
            let n = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let v = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            let id = frame.pointee.hd.stream_id
            if n == ":status" { client.responses[id, default: HTTP2TestResponse()].status = Int(v) }
            else { client.responses[id, default: HTTP2TestResponse()].headers.append((n, v)) }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let data, let client = HTTP2TestClient.from(userData) else { return 0 }
            client.responses[streamID, default: HTTP2TestResponse()].body.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame, let client = HTTP2TestClient.from(userData) else { return 0 }
            let f = frame.pointee
            if f.hd.type == UInt8(NGHTTP2_GOAWAY.rawValue) {
                client.goaways.append((f.goaway.last_stream_id, f.goaway.error_code))
            } else if f.hd.type == UInt8(NGHTTP2_RST_STREAM.rawValue) {
                client.responses[f.hd.stream_id, default: HTTP2TestResponse()].resetCode = f.rst_stream.error_code
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, code, userData in
            guard let client = HTTP2TestClient.from(userData) else { return 0 }
            client.responses[streamID, default: HTTP2TestResponse()].closeCode = code
            client.requestBodies.removeValue(forKey: streamID)
            return 0
        }
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { failed = true; return }
        defer { nghttp2_option_del(option) }
        // Let tests send header blocks beyond the server's limit.
        nghttp2_option_set_max_send_header_block_length(option, 1 << 20)
        var raw: OpaquePointer?
        guard nghttp2_session_client_new2(&raw, callbacks, Unmanaged.passUnretained(self).toOpaque(), option) == 0, let raw else {
            failed = true
            return
        }
        session = raw
        var entries = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: 1 << 24),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
        ]
        _ = nghttp2_submit_settings(raw, 0, &entries, entries.count)
        _ = nghttp2_session_set_local_window_size(raw, 0, 0, 1 << 26)
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    private static func from(_ userData: UnsafeMutableRawPointer?) -> HTTP2TestClient? {
        guard let userData else { return nil }
        return Unmanaged<HTTP2TestClient>.fromOpaque(userData).takeUnretainedValue()
    }

    /// Submits a request; with `body` the request carries DATA and ends with it; with
    /// `endStream: false` and no body only HEADERS are sent and the stream stays open.
    /// Returns the stream id (negative on nghttp2 error).
    @discardableResult
    func submit(method: String = "GET", path: String, authority: String = "webhook.test",
                headers: [(String, String)] = [], body: [UInt8]? = nil, endStream: Bool = true) -> Int32 {
        guard let session else { return -1 }
        let fields = [(":method", method), (":scheme", "https"), (":path", path), (":authority", authority)] + headers
        let storage: [[UInt8]] = fields.map { Array($0.0.utf8) } + fields.map { Array($0.1.utf8) }
        let count = fields.count
        return withPointers(storage) { pointers -> Int32 in
            var nva = (0..<count).map { i in
                nghttp2_nv(name: pointers[i].0, value: pointers[count + i].0, namelen: pointers[i].1,
                           valuelen: pointers[count + i].1, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            guard let body else {
                let flags = endStream ? UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) : 0
                return nghttp2_submit_headers(session, flags, -1, nil, &nva, nva.count, nil)
            }
            var provider = nghttp2_data_provider()
            provider.read_callback = { _, streamID, buffer, length, flags, _, userData in
                guard let buffer, let flags, let client = HTTP2TestClient.from(userData) else { return -902 }
                return client.readBody(streamID, buffer, length, flags)
            }
            let id = nghttp2_submit_request(session, nil, &nva, nva.count, &provider, nil)
            if id > 0 { requestBodies[id] = (body, 0) }
            return id
        }
    }

    private func readBody(_ id: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ length: Int, _ flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let entry = requestBodies[id] else {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        let count = min(length, entry.bytes.count - entry.offset)
        entry.bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress, count > 0 { buffer.update(from: base + entry.offset, count: count) }
        }
        requestBodies[id]?.offset += count
        if entry.offset + count >= entry.bytes.count { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return count
    }

    /// Sends RST_STREAM for a stream.
    func reset(stream id: Int32, code: UInt32 = NGHTTP2_CANCEL.rawValue) {
        guard let session else { return }
        _ = nghttp2_submit_rst_stream(session, 0, id, code)
    }

    /// Everything the client wants to send now.
    func produce() -> [UInt8] {
        guard let session else { return [] }
        var out: [UInt8] = []
        for _ in 0..<100_000 {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if n <= 0 { if n < 0 { failed = true }; break }
            if let data { out.append(contentsOf: UnsafeBufferPointer(start: data, count: n)) }
        }
        return out
    }

    /// Feeds server output to the client session.
    func consume(_ bytes: [UInt8]) {
        guard let session, !bytes.isEmpty else { return }
        let rv = bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) }
        if rv < 0 { failed = true }
    }

    /// Exchanges bytes with `server` until neither side has anything to say (at most
    /// `maxRounds` rounds), answering each completed request with `handler` (nil: hold it).
    /// Returns the requests the server handed out.
    @discardableResult
    func exchange(with server: HTTP2Session, maxRounds: Int = 200,
                  handler: (Int32, HTTPRequest) -> HTTPResponse? = { _, _ in HTTPResponse.text(200, "ok") }) -> [(stream: Int32, request: HTTPRequest)] {
        var taken: [(stream: Int32, request: HTTPRequest)] = []
        for _ in 0..<maxRounds {
            let toServer = produce()
            if !toServer.isEmpty {
                let ok = toServer.withUnsafeBytes { server.receive($0) }
                if !ok { consumeServerOutput(server); break }
            }
            let requests = server.takeCompletedRequests()
            for (stream, request) in requests {
                if let response = handler(stream, request) { server.respond(stream: stream, with: response) }
            }
            taken += requests
            let fromServer = consumeServerOutput(server)
            if toServer.isEmpty && fromServer == 0 && requests.isEmpty { break }
        }
        return taken
    }

    /// Drains the server and feeds its output to the client; returns the byte count.
    @discardableResult
    func consumeServerOutput(_ server: HTTP2Session) -> Int {
        var out: [UInt8] = []
        _ = server.drainOutput(into: &out)
        consume(out)
        return out.count
    }

    // MARK: - Raw frames (RFC 9113 §4.1)

    static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// One frame: 24-bit length, type, flags, 31-bit stream id, payload.
    static func frame(type: UInt8, flags: UInt8 = 0, stream: Int32, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        let id = UInt32(bitPattern: stream) & 0x7fff_ffff
        return [UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
                type, flags,
                UInt8(truncatingIfNeeded: id >> 24), UInt8(truncatingIfNeeded: id >> 16), UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)]
            + payload
    }

    /// A HPACK block for GET / over https with `:authority: a`: static indexes 2, 7, 4, then a
    /// literal without indexing for :authority (RFC 7541 §6.2.2).
    static let getRootBlock: [UInt8] = [0x82, 0x87, 0x84, 0x01, 0x01, UInt8(ascii: "a")]

    /// Splits server output into frames (the server sends no preface magic).
    static func parseFrames(_ bytes: [UInt8]) -> [(type: UInt8, flags: UInt8, stream: Int32, payload: [UInt8])] {
        var frames: [(type: UInt8, flags: UInt8, stream: Int32, payload: [UInt8])] = []
        var i = 0
        while i + 9 <= bytes.count {
            let length = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
            let stream = Int32(bytes[i + 5] & 0x7f) << 24 | Int32(bytes[i + 6]) << 16 | Int32(bytes[i + 7]) << 8 | Int32(bytes[i + 8])
            guard i + 9 + length <= bytes.count else { break }
            frames.append((bytes[i + 3], bytes[i + 4], stream, Array(bytes[(i + 9)..<(i + 9 + length)])))
            i += 9 + length
        }
        return frames
    }

    /// The error code of the first GOAWAY in `bytes`, if any.
    static func goawayErrorCode(in bytes: [UInt8]) -> UInt32? {
        guard let goaway = parseFrames(bytes).first(where: { $0.type == 7 }), goaway.payload.count >= 8 else { return nil }
        let p = goaway.payload
        return UInt32(p[4]) << 24 | UInt32(p[5]) << 16 | UInt32(p[6]) << 8 | UInt32(p[7])
    }
}

/// Calls `body` with base pointers and lengths of each byte array, kept alive for the call.
private func withPointers<R>(_ arrays: [[UInt8]], _ body: ([(UnsafeMutablePointer<UInt8>, Int)]) -> R) -> R {
    var pointers: [(UnsafeMutablePointer<UInt8>, Int)] = []
    var allocations: [UnsafeMutablePointer<UInt8>] = []
    defer { allocations.forEach { $0.deallocate() } }
    for array in arrays {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, array.count))
        p.initialize(from: array, count: array.count)
        allocations.append(p)
        pointers.append((p, array.count))
    }
    return body(pointers)
}

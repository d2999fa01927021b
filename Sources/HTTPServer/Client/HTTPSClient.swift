// A small blocking HTTPS/1.1 client with keep-alive, for `replay --target` (not used by the server).
#if canImport(Glibc)
import Glibc
#endif
import CLinux
import COpenSSL

/// One keep-alive HTTP/1.1 connection over TLS to one server, as kube-apiserver makes them:
/// ALPN `http/1.1`, the server certificate verified against `caFile` (or the system store) and
/// the host name, an optional client certificate. Blocking, with send/receive timeouts; used
/// from one thread. It reconnects once if the server closed an idle connection. It does not
/// follow redirects or speak HTTP/2.
public final class HTTPSClient {
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: [UInt8]
    }

    private let host: String
    private let port: Int
    private let context: OpaquePointer
    private var ssl: OpaquePointer?
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private let timeoutSeconds: Int

    public init(host: String, port: Int, caFile: String?, certificateFile: String? = nil, keyFile: String? = nil, verify: Bool = true, timeoutSeconds: Int = 30) throws(ServerError) {
        self.host = host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw ServerError("cannot create a TLS context") }
        context = ctx
        _ = smw_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        var alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        SSL_CTX_set_alpn_protos(ctx, &alpn, UInt32(alpn.count))
        if verify {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            let loaded = caFile.map { SSL_CTX_load_verify_locations(ctx, $0, nil) } ?? SSL_CTX_set_default_verify_paths(ctx)
            guard loaded == 1 else { throw ServerError("cannot load CA certificates from \(caFile ?? "the system store")") }
        }
        if let certificateFile, let keyFile {
            guard SSL_CTX_use_certificate_chain_file(ctx, certificateFile) == 1,
                  SSL_CTX_use_PrivateKey_file(ctx, keyFile, SSL_FILETYPE_PEM) == 1 else {
                throw ServerError("cannot load the client certificate \(certificateFile) / \(keyFile)")
            }
        }
    }

    deinit {
        disconnect()
        SSL_CTX_free(context)
    }

    /// POSTs `body` to `path` and reads the whole response.
    public func post(path: String, body: [UInt8], contentType: String = "application/json") throws(ServerError) -> Response {
        var head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\n"
        head += "Accept: application/json, */*\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        for attempt in 0..<2 {
            do {
                if ssl == nil { try connect() }
                try send(request)
                return try readResponse()
            } catch {
                disconnect()
                if attempt == 1 { throw error }
            }
        }
        throw ServerError("unreachable")
    }

    private func connect() throws(ServerError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw ServerError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(info) }
        let socketFD = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(socketFD)
            throw ServerError("cannot connect to \(host):\(port): \(reason)")
        }
        fd = socketFD
        guard let session = SSL_new(context) else { disconnect(); throw ServerError("SSL_new failed") }
        ssl = session
        SSL_set_fd(session, socketFD)
        _ = SSL_set1_host(session, host)
        _ = host.withCString { SSL_ctrl(session, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0)) }
        ERR_clear_error()
        guard SSL_connect(session) == 1 else {
            let verifyResult = SSL_get_verify_result(session)
            let reason = verifyResult != X509_V_OK ? String(cString: X509_verify_cert_error_string(verifyResult)) : Self.openSSLError()
            disconnect()
            throw ServerError("TLS handshake with \(host):\(port) failed: \(reason)")
        }
        buffer.removeAll()
    }

    private func disconnect() {
        if let ssl { SSL_free(ssl) }
        ssl = nil
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func send(_ bytes: [UInt8]) throws(ServerError) {
        guard let ssl else { throw ServerError("not connected") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(min($0.count, Int(Int32.max)))) }
            guard n > 0 else { throw ServerError("send failed: \(Self.openSSLError())") }
            offset += Int(n)
        }
    }

    private func fill() throws(ServerError) {
        guard let ssl else { throw ServerError("not connected") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        guard n > 0 else { throw ServerError("the server closed the connection or timed out") }
        buffer.append(contentsOf: chunk[0..<Int(n)])
    }

    private func readResponse() throws(ServerError) -> Response {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil { try fill() }
        }
        guard let end = headEnd else { throw ServerError("no response head") }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.isEmpty ? "" : String(lines.removeFirst())
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ServerError("malformed status line: \(statusLine)")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces())
        }
        buffer.removeFirst(end + 4)
        let length = Int(headers[first: "content-length"] ?? "") ?? 0
        while buffer.count < length { try fill() }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        if headers[first: "connection"]?.lowercased() == "close" { disconnect() }
        return Response(status: status, headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    private static func openSSLError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return String(cString: strerror(errno)) }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

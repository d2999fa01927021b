// A byte-level TLS client on a blocking socket, for requests curl will not send (malformed, pipelined, partial).
import COpenSSL
import Foundation

/// One TLS connection to the test server. Used by one test on one thread; closes in deinit.
/// It verifies nothing about the server's certificate (the tests check that with curl and
/// openssl s_client); it exists to send exact bytes and read exact answers.
final class RawTLSClient {
    private let fd: Int32
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(port: Int, host: String = "127.0.0.1", alpn: [String] = ["http/1.1"], receiveTimeout: Int = 15) throws {
        // A server that answers and closes before reading everything must not kill the tests.
        signal(SIGPIPE, SIG_IGN)
        let family = host.contains(":") ? AF_INET6 : AF_INET
        let sock = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        fd = sock
        guard sock >= 0 else { throw TestFailure("socket failed") }
        var tv = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var connected: Int32 = -1
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sock, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
        guard connected == 0, let ctx = SSL_CTX_new(TLS_client_method()) else {
            close(fd)
            throw TestFailure("connect to \(host):\(port) failed: errno \(errno)")
        }
        context = ctx
        var wire: [UInt8] = []
        for proto in alpn { wire.append(UInt8(proto.utf8.count)); wire.append(contentsOf: proto.utf8) }
        SSL_CTX_set_alpn_protos(ctx, wire, UInt32(wire.count))
        guard let session = SSL_new(ctx) else { SSL_CTX_free(ctx); close(fd); throw TestFailure("SSL_new failed") }
        ssl = session
        SSL_set_fd(session, fd)
        // Every stored property is set: from here on a throw runs deinit, which frees them.
        guard SSL_connect(session) == 1 else {
            throw TestFailure("TLS handshake failed")
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        close(fd)
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { throw TestFailure("SSL_write failed") }
            offset += Int(n)
        }
    }

    /// Reads until the server closes the connection (or the receive timeout).
    func readToEnd() -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<Int(n)])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads until `count` complete HTTP/1.1 responses (by Content-Length) have arrived.
    func readResponses(_ count: Int) -> [String] {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16384)
        var responses: [String] = []
        while responses.count < count {
            if let (response, used) = Self.splitResponse(data) {
                responses.append(response)
                data.removeFirst(used)
                continue
            }
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<Int(n)])
        }
        return responses
    }

    /// Whether the server has closed the connection (a read returns end of stream).
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1)
        return SSL_read(ssl, &buffer, 1) <= 0
    }

    private static func splitResponse(_ data: [UInt8]) -> (String, Int)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound]
        let headBytes = text.utf8.distance(from: text.startIndex, to: headEnd.upperBound)
        if head.hasPrefix("HTTP/1.1 1") { return (String(head), headBytes) }
        var length = 0
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        guard data.count >= headBytes + length else { return nil }
        return (String(decoding: data[0..<(headBytes + length)], as: UTF8.self), headBytes + length)
    }
}

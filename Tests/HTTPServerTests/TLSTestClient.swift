// Test helper: an OpenSSL client on one end of a non-blocking socketpair, pumped by hand.
import COpenSSL
import Foundation
@testable import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// Both ends of a non-blocking AF_UNIX stream socketpair; closes them in deinit. One test thread.
final class TestSocketPair {
    let server: Int32
    let client: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw TestCertificates.CommandFailed(description: "socketpair: errno \(errno)")
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) }
        server = fds[0]
        client = fds[1]
    }

    deinit {
        close(server)
        close(client)
    }
}

/// Owns a client SSL_CTX* and SSL* on the client fd and frees them in deinit; one test thread.
/// It verifies nothing about the server unless asked: tests look at what the server did.
final class TLSTestClient {
    enum Step: Equatable { case done, pending, failed(String) }

    private let context: OpaquePointer
    let ssl: OpaquePointer

    init(
        fd: Int32, alpn: [String] = [], maximumVersion: Int32? = nil,
        certificate: (certificatePath: String, keyPath: String)? = nil, tls13Suites: String? = nil
    ) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Self.failure("SSL_CTX_new") }
        self.context = context
        // Allow old protocols here so that the server, not the client, is what refuses them.
        _ = SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0")
        _ = smw_SSL_CTX_set_min_proto_version(context, TLS1_VERSION)
        if let maximumVersion { _ = smw_SSL_CTX_set_max_proto_version(context, maximumVersion) }
        if let tls13Suites, SSL_CTX_set_ciphersuites(context, tls13Suites) != 1 {
            SSL_CTX_free(context)
            throw Self.failure("SSL_CTX_set_ciphersuites")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw Self.failure("SSL_new")
        }
        self.ssl = ssl
        if !alpn.isEmpty {
            var wire: [UInt8] = []
            for name in alpn { wire.append(UInt8(name.utf8.count)); wire += Array(name.utf8) }
            guard SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0 else { throw Self.failure("alpn") }
        }
        if let certificate {
            guard SSL_use_certificate_file(ssl, certificate.certificatePath, SSL_FILETYPE_PEM) == 1,
                  SSL_use_PrivateKey_file(ssl, certificate.keyPath, SSL_FILETYPE_PEM) == 1 else {
                throw Self.failure("client certificate")
            }
        }
        guard SSL_set_fd(ssl, fd) == 1 else { throw Self.failure("SSL_set_fd") }
        SSL_set_connect_state(ssl)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func handshake() -> Step {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        return step(result)
    }

    /// Writes all of `bytes` or fails (the tests send small messages).
    func write(_ bytes: [UInt8]) -> Step {
        ERR_clear_error()
        var written = 0
        let result = SSL_write_ex(ssl, bytes, bytes.count, &written)
        return result == 1 ? .done : step(Int32(result))
    }

    /// Up to `limit` decrypted bytes; empty when none are available yet.
    func read(limit: Int = 16384) -> (bytes: [UInt8], step: Step) {
        ERR_clear_error()
        var buffer = [UInt8](repeating: 0, count: limit)
        var count = 0
        let result = SSL_read_ex(ssl, &buffer, limit, &count)
        if result == 1 { return (Array(buffer.prefix(count)), .done) }
        return ([], step(Int32(result)))
    }

    /// The serial number of the certificate the server presented, upper-case hex.
    var peerSerial: String? {
        SSL_get1_peer_certificate(ssl).map { X509Certificate(owning: $0).serialHex }
    }

    private func step(_ result: Int32) -> Step {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .pending
        case let code: return .failed("SSL_get_error \(code): \(OpenSSLErrorQueue.drainDescription())")
        }
    }

    private static func failure(_ what: String) -> TestCertificates.CommandFailed {
        TestCertificates.CommandFailed(description: "\(what): \(OpenSSLErrorQueue.drainDescription())")
    }
}

/// Drives both handshakes alternately on one thread until neither can progress (bounded).
func pumpHandshake(server: TLSConnection, client: TLSTestClient) -> (server: TLSIOResult, client: TLSTestClient.Step) {
    var serverResult = TLSIOResult.wantRead
    var clientResult = TLSTestClient.Step.pending
    for _ in 0..<200 {
        if clientResult == .pending { clientResult = client.handshake() }
        if serverResult == .wantRead || serverResult == .wantWrite { serverResult = server.handshake() }
        let serverFinished = !(serverResult == .wantRead || serverResult == .wantWrite)
        if serverFinished && clientResult != .pending { break }
    }
    return (serverResult, clientResult)
}

/// Reads from the server connection until `count` bytes arrived or it stops (bounded).
func readFromServer(_ connection: TLSConnection, count: Int) -> (bytes: [UInt8], last: TLSIOResult) {
    var received: [UInt8] = []
    var last = TLSIOResult.wantRead
    var buffer = [UInt8](repeating: 0, count: 4096)
    for _ in 0..<200 where received.count < count {
        last = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
        switch last {
        case .done(let n): received += buffer.prefix(n)
        case .wantRead, .wantWrite: continue
        case .closed, .failed: return (received, last)
        }
    }
    return (received, last)
}

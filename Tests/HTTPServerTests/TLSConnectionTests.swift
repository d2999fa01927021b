// Tests of TLSConnection: handshakes, ALPN, versions, data both ways, partial writes, closes.
import COpenSSL
import Testing
@testable import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// One test thread per test; each test makes its own certificates and socketpair.
struct TLSConnectionTests {
    let certificates: TestCertificates
    let leaf: TestCertificates.Leaf

    init() throws {
        certificates = try TestCertificates()
        leaf = try certificates.makeLeaf("server", signedBy: certificates.makeAuthority("root"))
    }

    func context(
        minimumVersion: TLSVersion = .tls12, alpn: [String] = ["h2", "http/1.1"]
    ) throws -> TLSContext {
        try TLSContext.load(TLSConfiguration(
            certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath,
            minimumVersion: minimumVersion, alpnProtocols: alpn))
    }

    @Test func handshakeThenBytesFlowBothWays() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        let result = pumpHandshake(server: server, client: client)
        #expect(result.server == .done(0))
        #expect(result.client == .done)

        let request = Array("POST /validate HTTP/1.1\r\n\r\n".utf8)
        #expect(client.write(request) == .done)
        let received = readFromServer(server, count: request.count)
        #expect(received.bytes == request)
        #expect(!server.hasBufferedInput)

        let response = Array("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".utf8)
        let written = response.withUnsafeBytes { server.write($0) }
        #expect(written == .done(response.count))
        var answer: [UInt8] = []
        for _ in 0..<50 where answer.count < response.count { answer += client.read().bytes }
        #expect(answer == response)
    }

    @Test func alpnPrefersH2WhenTheClientOffersIt() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, alpn: ["http/1.1", "h2"])
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        #expect(server.alpnProtocol == "h2")
    }

    @Test func alpnChoosesHTTP11WhenOnlyThatIsOffered() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, alpn: ["http/1.1"])
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        #expect(server.alpnProtocol == "http/1.1")
    }

    @Test func alpnWithoutHTTP2ChoosesHTTP11EvenWhenH2IsOffered() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(alpn: ["http/1.1"]), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, alpn: ["h2", "http/1.1"])
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        #expect(server.alpnProtocol == "http/1.1")
    }

    @Test func alpnWithNoCommonProtocolProceedsWithoutOne() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, alpn: ["spdy/3"])
        let result = pumpHandshake(server: server, client: client)
        #expect(result.server == .done(0))
        #expect(result.client == .done)
        #expect(server.alpnProtocol == nil)
    }

    @Test func alpnAbsentFromTheClientHelloGivesNil() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        #expect(server.alpnProtocol == nil)
    }

    @Test func negotiatesTLS13ByDefaultAndTLS12WhenTheClientCaps() throws {
        let sockets13 = try TestSocketPair()
        let server13 = try TLSConnection(context: context(), fd: sockets13.server)
        let client13 = try TLSTestClient(fd: sockets13.client)
        #expect(pumpHandshake(server: server13, client: client13).server == .done(0))
        #expect(server13.protocolVersion == "TLSv1.3")

        let sockets12 = try TestSocketPair()
        let server12 = try TLSConnection(context: context(), fd: sockets12.server)
        let client12 = try TLSTestClient(fd: sockets12.client, maximumVersion: TLS1_2_VERSION)
        #expect(pumpHandshake(server: server12, client: client12).server == .done(0))
        #expect(server12.protocolVersion == "TLSv1.2")
        let cipher = SSL_get_current_cipher(client12.ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) }
        #expect(cipher == "ECDHE-ECDSA-AES128-GCM-SHA256")
    }

    /// TLS 1.3: AES-128-GCM whatever the client's order among the AES suites (OpenSSL's default
    /// server order would pick AES-256-GCM-SHA384), ChaCha20 for a client that lists it first.
    @Test(arguments: [
        ("TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"),
        ("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"),
        ("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
        ("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"),
    ])
    func tls13SuiteIsAES128UnlessTheClientPrefersChaCha20(offer: String, chosen: String) throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, tls13Suites: offer)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        #expect(server.protocolVersion == "TLSv1.3")
        let cipher = SSL_get_current_cipher(client.ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) }
        #expect(cipher == chosen)
    }

    @Test func rejectsAClientLimitedToTLS11() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, maximumVersion: TLS1_1_VERSION)
        let result = pumpHandshake(server: server, client: client)
        guard case .failed(let reason) = result.server else {
            Issue.record("server handshake gave \(result.server)")
            return
        }
        #expect(reason.contains("unsupported protocol"))
        #expect(result.client != .done)
    }

    @Test func minimumTLS13RejectsATLS12Client() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(minimumVersion: .tls13), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client, maximumVersion: TLS1_2_VERSION)
        let result = pumpHandshake(server: server, client: client)
        guard case .failed = result.server else {
            Issue.record("server handshake gave \(result.server)")
            return
        }
        #expect(result.client != .done)
    }

    @Test func garbageInsteadOfAClientHelloFailsWithoutTrapping() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let junk = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(Glibc.write(sockets.client, junk, junk.count) == junk.count)
        guard case .failed = server.handshake() else {
            Issue.record("plain HTTP on the TLS port was not refused")
            return
        }
        server.shutdown()  // must be a no-op after a failure
    }

    @Test func peerClosingMidHandshakeIsClosed() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        #expect(server.handshake() == .wantRead)
        Glibc.shutdown(sockets.client, Int32(SHUT_RDWR))
        #expect(server.handshake() == .closed)
    }

    @Test func closeNotifyAndBareEOFAreBothClosed() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        _ = SSL_shutdown(client.ssl)
        #expect(readFromServer(server, count: 1).last == .closed)
        server.shutdown()

        let sockets2 = try TestSocketPair()
        let server2 = try TLSConnection(context: context(), fd: sockets2.server)
        let client2 = try TLSTestClient(fd: sockets2.client)
        #expect(pumpHandshake(server: server2, client: client2).server == .done(0))
        Glibc.shutdown(sockets2.client, Int32(SHUT_RDWR))
        #expect(readFromServer(server2, count: 1).last == .closed)
    }

    @Test func serverShutdownSendsCloseNotify() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        server.shutdown()
        var step = TLSTestClient.Step.pending
        for _ in 0..<10 where step == .pending || step == .done { step = client.read().step }
        #expect(SSL_get_error(client.ssl, 0) == SSL_ERROR_ZERO_RETURN)
    }

    @Test func partialWritesResumeFromTheRemainingBytes() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))

        let total = 1 << 20
        var payload = [UInt8](repeating: 0, count: total)
        for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 11) }
        var sent = 0
        var partialOrBlocked = 0
        var received: [UInt8] = []
        received.reserveCapacity(total)
        for _ in 0..<100_000 where received.count < total {
            if sent < total {
                // A fresh copy each time: the retry need not pass the same pointer.
                let remaining = Array(payload[sent...])
                switch remaining.withUnsafeBytes({ server.write($0) }) {
                case .done(let n):
                    if n < remaining.count { partialOrBlocked += 1 }
                    sent += n
                case .wantWrite: partialOrBlocked += 1
                case let other:
                    Issue.record("write gave \(other)")
                    return
                }
            }
            received += client.read(limit: 4096).bytes  // a slow reader
        }
        #expect(sent == total)
        #expect(partialOrBlocked > 0)
        #expect(received == payload)
    }
    @Test func writingToAClosedPeerFailsInsteadOfRaisingSIGPIPE() throws {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context(), fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        Glibc.shutdown(sockets.client, Int32(SHUT_RDWR))
        let bytes = [UInt8](repeating: 7, count: 1000)
        // Without MSG_NOSIGNAL this would kill the test process.
        guard case .failed(let reason) = bytes.withUnsafeBytes({ server.write($0) }) else {
            Issue.record("write to a closed peer did not fail")
            return
        }
        #expect(reason.contains("Broken pipe"))
        server.shutdown()
    }
}

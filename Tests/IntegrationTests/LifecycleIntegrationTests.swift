// Startup errors, certificate reload, connection cap, IPv6, and graceful shutdown of the running server.
import Foundation
import Testing

/// The serial number the server presents in a fresh handshake.
func presentedSerial(port: Int) throws -> String {
    let handshake = try run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"], stdin: Data("Q\n".utf8))
    let serial = try run("/usr/bin/openssl", ["x509", "-noout", "-serial"], stdin: Data(handshake.stdout.utf8))
    return serial.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A self-signed certificate for `key` valid only during 2020 (OpenSSL 3.0's `req` cannot
/// back-date, so `openssl ca -selfsign` with explicit dates makes it).
func makeExpiredCertificate(key: String, in dir: URL) throws -> String {
    let ca = dir.appendingPathComponent("expired-ca")
    try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
    try "".write(to: ca.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
    try "1000\n".write(to: ca.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
    let config = "[ca]\ndefault_ca = d\n[d]\ndatabase = \(ca.path)/index.txt\nnew_certs_dir = \(ca.path)\nserial = \(ca.path)/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n"
    let configPath = ca.appendingPathComponent("ca.cnf").path
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    let csr = ca.appendingPathComponent("req.csr").path
    try run("/usr/bin/openssl", ["req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr])
    let out = dir.appendingPathComponent("expired.crt").path
    let signed = try run("/usr/bin/openssl", ["ca", "-batch", "-selfsign", "-config", configPath, "-keyfile", key, "-in", csr,
                                               "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-notext", "-out", out])
    guard signed.status == 0 else { throw TestFailure("openssl ca: \(signed.stderr)") }
    return out
}

@Suite("Lifecycle of the running server")
struct LifecycleIntegrationTests {
    func startupFailure(_ arguments: [String]) throws -> CommandResult {
        try run(TestPaths.binary, ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off"] + arguments, timeout: 20)
    }

    @Test func startupErrorsExit2WithOneLine() throws {
        let dir = try TestPaths.temporaryDirectory("smw-startup")
        let a = try CertificateSet.make(in: dir.appendingPathComponent("a"))
        let b = try CertificateSet.make(in: dir.appendingPathComponent("b"))
        let cases: [([String], String)] = [
            (["--tls-cert", dir.appendingPathComponent("missing.crt").path, "--tls-key", a.keyPath], "missing.crt"),
            (["--tls-cert", a.certPath, "--tls-key", b.keyPath], "match"),
            (["--tls-cert", a.certPath, "--tls-key", a.keyPath, "--tls-min-version", "1.1"], "tls-min-version"),
            (["--tls-cert", a.certPath, "--tls-key", a.keyPath, "--bogus"], "bogus"),
            (["--tls-cert", a.certPath], "tls-key"),
            (["--tls-cert", a.certPath, "--tls-key", a.keyPath, "--listen", "nonsense"], "nonsense"),
        ]
        for (arguments, word) in cases {
            let result = try startupFailure(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(word), "\(result.stderr)")
        }
    }

    @Test func expiredCertificateIsRefusedAtStartup() throws {
        let dir = try TestPaths.temporaryDirectory("smw-expired")
        let certs = try CertificateSet.make(in: dir)
        let expired = try makeExpiredCertificate(key: certs.keyPath, in: dir)
        let result = try startupFailure(["--tls-cert", expired, "--tls-key", certs.keyPath])
        #expect(result.status == 2)
        #expect(result.stderr.contains("expired"), "\(result.stderr)")
    }

    @Test func busyPortExits2() throws {
        let server = try TestServer()
        let tlsClash = try startupFailure(["--tls-cert", server.certificates.certPath, "--tls-key", server.certificates.keyPath, "--listen", "127.0.0.1:\(server.port)"])
        #expect(tlsClash.status == 2, "\(tlsClash.stderr)")
        #expect(tlsClash.stderr.contains("cannot listen"))
        let metricsClash = try run(TestPaths.binary, ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:\(server.metricsPort)",
                                                       "--tls-cert", server.certificates.certPath, "--tls-key", server.certificates.keyPath], timeout: 20)
        #expect(metricsClash.status == 2, "\(metricsClash.stderr)")
        #expect(metricsClash.stderr.contains("cannot listen"))
    }

    @Test func certificateReloadServesTheNewPairAndKeepsTheOldOnABrokenOne() throws {
        let dir = try TestPaths.temporaryDirectory("smw-reload")
        let live = try CertificateSet.make(in: dir.appendingPathComponent("live"))
        let server = try TestServer(certificates: live, extraArguments: ["--reload-interval", "0.2"])
        let first = try presentedSerial(port: server.port)
        #expect(first == (try live.serial()))

        let next = try CertificateSet.make(in: dir.appendingPathComponent("next"))
        try FileManager.default.removeItem(atPath: live.certPath)
        try FileManager.default.removeItem(atPath: live.keyPath)
        try FileManager.default.copyItem(atPath: next.certPath, toPath: live.certPath)
        try FileManager.default.copyItem(atPath: next.keyPath, toPath: live.keyPath)
        var second = ""
        for _ in 0..<50 {
            second = try presentedSerial(port: server.port)
            if second == (try next.serial()) { break }
            usleep(200_000)
        }
        #expect(second == (try next.serial()))

        // A key that does not match: the server keeps serving the previous pair.
        let other = try CertificateSet.make(in: dir.appendingPathComponent("other"))
        try FileManager.default.removeItem(atPath: live.keyPath)
        try FileManager.default.copyItem(atPath: other.keyPath, toPath: live.keyPath)
        var failureSeen = false
        for _ in 0..<50 {
            let metrics = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/metrics"]).stdout
            if metrics.contains("tls_certificate_reloads_total{result=\"failure\"}") { failureSeen = true; break }
            usleep(200_000)
        }
        #expect(failureSeen)
        #expect(try presentedSerial(port: server.port) == (try next.serial()))
        #expect(try server.curl(["\(server.baseURL)/livez"], caPath: next.caPath).stdout == "ok\n")
    }

    @Test func connectionsBeyondTheCapAreClosedAndCounted() throws {
        let server = try TestServer(extraArguments: ["--max-connections", "2"])
        let a = try RawTLSClient(port: server.port)
        let b = try RawTLSClient(port: server.port)
        #expect(throws: (any Error).self) { _ = try RawTLSClient(port: server.port, receiveTimeout: 5) }
        try a.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(a.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
        try b.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(b.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
        let metrics = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/metrics"]).stdout
        #expect(metrics.contains("http_connections_rejected_total 1"), "\(metrics)")
    }

    @Test func ipv6ListenerServes() throws {
        let server = try TestServer(listen: "[::1]:0")
        let result = try server.curl(["--resolve", "localhost:\(server.port):::1", "https://localhost:\(server.port)/livez"])
        #expect(result.stdout == "ok\n", "\(result.stderr)")
    }

    @Test func sigtermLetsTheInFlightRequestFinishThenExitsZero() throws {
        let server = try TestServer(extraArguments: ["--shutdown-delay", "1"])
        let client = try RawTLSClient(port: server.port)
        let review = SampleReview.knativeService()
        try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(review.utf8.count)\r\n\r\n" + String(review.dropLast()))
        usleep(100_000)
        kill(server.process.processIdentifier, SIGTERM)
        usleep(300_000)
        // Draining: readiness fails at once while requests are still served.
        let ready = try run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(server.metricsURL)/readyz"])
        #expect(ready.stdout == "503")
        try client.send("}")
        let answer = client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        #expect(answer.lowercased().contains("connection: close"))
        #expect(server.stop(signal: 0, timeout: 30) == 0)
        #expect(server.logLines().contains { $0.contains("shutdown complete") })
    }

    @Test func idleKeepAliveConnectionsCloseAfterTheIdleTimeout() throws {
        let server = try TestServer(extraArguments: ["--idle-timeout", "1"])
        let client = try RawTLSClient(port: server.port)
        try client.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(client.readResponses(1).count == 1)
        let start = Date()
        #expect(client.isClosedByServer())
        #expect(Date().timeIntervalSince(start) < 10, "closed by the server, not by the client's receive timeout")
    }

    @Test func silentConnectionIsDroppedAfterTheHandshakeTimeout() throws {
        let server = try TestServer(extraArguments: ["--handshake-timeout", "1"])
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(server.port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(connected == 0)
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let start = Date()
        #expect(recv(fd, &byte, 1, 0) == 0, "the server closes a connection that never starts TLS")
        #expect(Date().timeIntervalSince(start) < 8)
    }

    @Test func everyLogLineIsOneJSONObject() throws {
        let server = try TestServer()
        _ = try server.curl(["\(server.baseURL)/livez"])
        #expect(server.stop() == 0)
        let lines = server.logLines()
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
    }

    @Test func sigtermClosesIdleKeepAliveConnectionsAndExitsZero() throws {
        let server = try TestServer()
        let idle = try RawTLSClient(port: server.port)
        try idle.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(idle.readResponses(1).count == 1)
        #expect(server.stop(signal: SIGTERM, timeout: 20) == 0)
        #expect(idle.isClosedByServer())
    }
}

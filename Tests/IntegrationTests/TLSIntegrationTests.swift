// TLS of the running server checked with openssl s_client and curl: versions, ciphers, ALPN, client CA.
import Foundation
import Testing

/// Runs `openssl s_client` against the port with `arguments`; returns stdout+stderr and status.
func sClient(port: Int, _ arguments: [String]) throws -> (ok: Bool, output: String) {
    let result = try run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"] + arguments, stdin: Data("Q\n".utf8), timeout: 20)
    let output = result.stdout + result.stderr
    return (result.status == 0 && output.contains("New, TLSv1."), output)
}

@Suite("TLS of the running server")
struct TLSIntegrationTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func tls12AndTls13AreAccepted() throws {
        let v12 = try sClient(port: server.port, ["-tls1_2"])
        #expect(v12.ok && v12.output.contains("New, TLSv1.2"), "\(v12.output)")
        let v13 = try sClient(port: server.port, ["-tls1_3"])
        #expect(v13.ok && v13.output.contains("New, TLSv1.3"), "\(v13.output)")
    }

    @Test func tls10And11AreRefused() throws {
        for flag in ["-tls1", "-tls1_1"] {
            let attempt = try sClient(port: server.port, [flag, "-cipher", "DEFAULT@SECLEVEL=0"])
            #expect(!attempt.ok, "\(flag) was accepted: \(attempt.output)")
        }
    }

    @Test func onlyECDHEWithAEADCiphersOnTls12() throws {
        let good = try sClient(port: server.port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"])
        #expect(good.ok, "\(good.output)")
        let chacha = try sClient(port: server.port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"])
        #expect(chacha.ok, "\(chacha.output)")
        for weak in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256"] {
            let attempt = try sClient(port: server.port, ["-tls1_2", "-cipher", weak + ":@SECLEVEL=0"])
            #expect(!attempt.ok, "\(weak) was accepted")
        }
    }

    @Test func alpnPrefersH2AndFallsBackToHttp11() throws {
        let both = try sClient(port: server.port, ["-alpn", "http/1.1,h2"])
        #expect(both.output.contains("ALPN protocol: h2"), "\(both.output)")
        let only11 = try sClient(port: server.port, ["-alpn", "http/1.1"])
        #expect(only11.output.contains("ALPN protocol: http/1.1"))
        let foreign = try sClient(port: server.port, ["-alpn", "spdy/3"])
        #expect(foreign.ok, "a client offering only unknown protocols still connects (as HTTP/1.1)")
    }

    @Test func tlsMinVersion13RefusesTls12() throws {
        let strict = try TestServer(extraArguments: ["--tls-min-version", "1.3"])
        #expect(!(try sClient(port: strict.port, ["-tls1_2"])).ok)
        #expect(try sClient(port: strict.port, ["-tls1_3"]).ok)
    }

    @Test func clientCARequiresAVerifiedClientCertificate() throws {
        let dir = try TestPaths.temporaryDirectory("smw-clientca")
        let certs = try CertificateSet.make(in: dir.appendingPathComponent("server"))
        let clients = try CertificateSet.make(in: dir.appendingPathComponent("clients"))
        let strangers = try CertificateSet.make(in: dir.appendingPathComponent("strangers"))
        let server = try TestServer(certificates: certs, extraArguments: ["--client-ca", clients.caPath])
        let without = try server.curl(["-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/livez"])
        #expect(without.stdout != "200")
        let with = try server.curl(["--cert", clients.clientCertPath, "--key", clients.clientKeyPath, "\(server.baseURL)/livez"])
        #expect(with.stdout == "ok\n", "\(with.stderr)")
        let wrongCA = try server.curl(["--cert", strangers.clientCertPath, "--key", strangers.clientKeyPath, "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/livez"])
        #expect(wrongCA.stdout != "200")
        // Probes on the plain metrics port need no client certificate.
        #expect(try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/livez"]).stdout == "ok\n")
    }

    @Test func rsaCertificatesWorkToo() throws {
        let dir = try TestPaths.temporaryDirectory("smw-rsa")
        let server = try TestServer(certificates: try CertificateSet.make(in: dir, rsa: true))
        #expect(try server.curl(["\(server.baseURL)/livez"]).stdout == "ok\n")
        #expect(try sClient(port: server.port, ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]).ok)
    }
}

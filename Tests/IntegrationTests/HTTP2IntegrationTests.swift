// The running server over HTTP/2 (ALPN h2) with curl, and with h2 switched off.
import Foundation
import Testing

@Suite("HTTP/2 against the running server")
struct HTTP2IntegrationTests {
    @Test func curlNegotiatesH2AndGetsAnswers() throws {
        let server = try TestServer()
        let result = try server.curl(["-w", "%{http_code} %{http_version}\n", "-o", "/dev/null", "-o", "/dev/null",
                                      "\(server.baseURL)/livez", "\(server.baseURL)/nope"], http2: true)
        #expect(result.stdout == "200 2\n404 2\n", "\(result.stderr)")
        let post = try server.curl(["-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", SampleReview.knativeService(), "\(server.baseURL)/mutate"], http2: true)
        #expect(post.stdout.hasSuffix("200"))
        #expect(post.stdout.contains("\"patchType\":\"JSONPatch\""))
    }

    @Test func bodyOverTheLimitIs413OnAStreamAndTheConnectionStillServes() throws {
        let server = try TestServer(extraArguments: ["--max-body-bytes", "1000"])
        let body = String(repeating: "x", count: 5000)
        let result = try server.curl(["-w", "%{http_code}\n", "-o", "/dev/null", "-H", "Content-Type: application/json", "--data-binary", body, "\(server.baseURL)/mutate",
                                      "--next", "--http2", "--cacert", server.certificates.caPath, "-w", "%{http_code}\n", "-o", "/dev/null", "\(server.baseURL)/livez"], http2: true)
        #expect(result.stdout.hasPrefix("413\n"), "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.hasSuffix("200\n"))
    }

    @Test func noHTTP2LeavesOnlyHTTP11InALPN() throws {
        let server = try TestServer(extraArguments: ["--no-http2"])
        let result = try server.curl(["-w", "%{http_version}", "-o", "/dev/null", "\(server.baseURL)/livez"], http2: true)
        #expect(result.stdout == "1.1")
    }
}

// The running server over HTTP/1.1: routing, errors of server.md, keep-alive, pipelining, 100-continue.
import Foundation
import Testing

@Suite("HTTP/1.1 against the running server")
struct HTTP1IntegrationTests {
    let server: TestServer

    init() throws {
        server = try TestServer(extraArguments: ["--max-body-bytes", "100000", "--request-timeout", "1"])
    }

    @Test func probesAnswerOverTLSWithCurl() throws {
        let live = try server.curl(["-w", "%{http_code} %{http_version}", "-o", "/dev/null", "\(server.baseURL)/livez"])
        #expect(live.stdout == "200 1.1", "\(live.stderr)")
        let ready = try server.curl(["\(server.baseURL)/readyz"])
        #expect(ready.stdout == "ok\n")
    }

    @Test func mutateAndValidateAnswerAReviewWithThePolicy() throws {
        let body = SampleReview.knativeService()
        let mutate = try server.curl(["-w", "\n%{http_code} %{content_type}", "-H", "Content-Type: application/json", "--data-binary", body, "\(server.baseURL)/mutate?timeout=10s"])
        #expect(mutate.stdout.hasSuffix("200 application/json"), "\(mutate.stdout)")
        #expect(mutate.stdout.contains("\"uid\":\"7f0e2f3a-1111-4c4c-9d9d-000000000001\""))
        #expect(mutate.stdout.contains("\"patchType\":\"JSONPatch\""))
        let validate = try server.curl(["-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", body, "\(server.baseURL)/validate?timeout=10s"])
        #expect(validate.stdout.hasSuffix("200"))
        #expect(validate.stdout.contains("\"allowed\":false"), "no sidecar injection in mesh-ingress mode is denied: \(validate.stdout)")
        #expect(!validate.stdout.contains("patch"))
    }

    @Test func aBodyThatIsNotAReviewIs400WithAJSONError() throws {
        for path in ["/mutate", "/validate"] {
            let result = try server.curl(["-w", "\n%{http_code} %{content_type}", "-H", "Content-Type: application/json", "--data-binary", "{}", "\(server.baseURL)\(path)"])
            #expect(result.stdout.hasSuffix("400 application/json"), "\(result.stdout)")
            #expect(result.stdout.hasPrefix("{\"error\":"))
        }
        let garbage = try server.curl(["-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "{\"apiVersion\": [1e400, \"\\ud800\"]", "\(server.baseURL)/mutate"])
        #expect(garbage.stdout.hasSuffix("400"))
        #expect(try server.curl(["\(server.baseURL)/livez"]).stdout == "ok\n")
    }

    @Test func unknownPathIs404WrongMethodIs405WithAllowAndWrongMediaTypeIs415() throws {
        let notFound = try server.curl(["-w", "%{http_code}", "-o", "/dev/null", "\(server.baseURL)/nope"])
        #expect(notFound.stdout == "404")
        let wrongMethod = try server.curl(["-i", "\(server.baseURL)/mutate"])
        #expect(wrongMethod.stdout.hasPrefix("HTTP/1.1 405"))
        #expect(wrongMethod.stdout.lowercased().contains("allow: post"))
        let wrongType = try server.curl(["-w", "%{http_code}", "-o", "/dev/null", "-H", "Content-Type: text/plain", "--data-binary", "{}", "\(server.baseURL)/mutate"])
        #expect(wrongType.stdout == "415")
        let charset = try server.curl(["-w", "%{http_code}", "-o", "/dev/null", "-H", "Content-Type: application/json; charset=utf-8", "--data-binary", "{}", "\(server.baseURL)/mutate"])
        #expect(charset.stdout == "400", "the media type is accepted; the empty object is not a review")
    }

    @Test func keepAliveReusesOneConnectionForSeveralRequests() throws {
        let result = try server.curl(["-w", "%{num_connects}\n", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                                      "\(server.baseURL)/livez", "\(server.baseURL)/readyz", "\(server.baseURL)/livez"])
        #expect(result.stdout == "1\n0\n0\n", "\(result.stderr)")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let client = try RawTLSClient(port: server.port)
        try client.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
        let responses = client.readResponses(3)
        #expect(responses.count == 3)
        #expect(responses.first?.hasPrefix("HTTP/1.1 200") == true)
        #expect(responses.dropFirst().first?.hasPrefix("HTTP/1.1 404") == true)
        #expect(responses.last?.hasPrefix("HTTP/1.1 200") == true)
    }

    /// Requests that arrive on many connections at once are served in one wake-up of the
    /// event loop and their answers written together afterwards (`EventLoop.defersFlushes`):
    /// every connection must get its own answer, and keep being read for the next round.
    @Test func manyConnectionsSendingAtOnceEachGetTheirOwnAnswer() throws {
        let clients = try (0..<24).map { _ in try RawTLSClient(port: server.port) }
        for round in 0..<3 {
            for (n, client) in clients.enumerated() {
                let body = SampleReview.knativeService(uid: "0000000\(round)-0000-4000-8000-\(String(format: "%012d", n))")
                try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            }
            for (n, client) in clients.enumerated() {
                let responses = client.readResponses(1)
                let uid = "0000000\(round)-0000-4000-8000-\(String(format: "%012d", n))"
                #expect(responses.first?.hasPrefix("HTTP/1.1 200") == true, "round \(round) connection \(n): \(responses)")
                #expect(responses.first?.contains("\"uid\":\"\(uid)\"") == true, "round \(round) connection \(n)")
            }
        }
    }

    /// `webhook_requests_total` counts every review under its own labels, for more label sets
    /// than the counter cache keeps at hand (`CounterCache.recentLimit`), arriving interleaved.
    @Test func requestCountersCountEachLabelSet() throws {
        var expected: [String: Int] = [:]
        let client = try RawTLSClient(port: server.port)
        var sent = 0
        for round in 0..<6 {
            for k in 0..<12 where k % 6 >= round % 3 {  // uneven counts per label set
                let kind = "Kind\(k % 6)", operation = k < 6 ? "CREATE" : "UPDATE", dryRun = k % 4 == 0
                let body = """
                    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-\(sent)",\
                    "kind":{"group":"example.com","version":"v1","kind":"\(kind)"},\
                    "resource":{"group":"example.com","version":"v1","resource":"things"},"operation":"\(operation)",\
                    "dryRun":\(dryRun),"object":{"apiVersion":"example.com/v1","kind":"\(kind)","metadata":{"name":"x"}}}}
                    """
                try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
                #expect(client.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
                expected["kind=\(kind) operation=\(operation) dry_run=\(dryRun)", default: 0] += 1
                sent += 1
            }
        }
        #expect(expected.count == 12)
        let metrics = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/metrics"]).stdout
        var counted: [String: Int] = [:]
        for line in metrics.split(separator: "\n") where line.hasPrefix("webhook_requests_total{") {
            guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}"),
                  let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { continue }
            var labels: [String: String] = [:]
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            guard labels["webhook"] == "mutate", labels["allowed"] == "true", labels["patched"] == "false",
                  let kind = labels["kind"], kind.hasPrefix("Kind") else { continue }
            counted["kind=\(kind) operation=\(labels["operation"] ?? "?") dry_run=\(labels["dry_run"] ?? "?")", default: 0] += Int(value)
        }
        #expect(counted == expected, "\(metrics)")
    }

    /// Past 1,000 label sets, reviews of new kinds are counted under kind="other": a client
    /// making kinds up cannot grow the metrics without bound.
    @Test func madeUpKindsStopGettingCountersOfTheirOwn() throws {
        let client = try RawTLSClient(port: server.port)
        let total = 1_005
        for n in 0..<total {
            let body = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-\(n)",\
                "kind":{"group":"example.com","version":"v1","kind":"K\(n)"},\
                "resource":{"group":"example.com","version":"v1","resource":"things"},"operation":"CREATE",\
                "object":{"apiVersion":"example.com/v1","kind":"K\(n)","metadata":{"name":"x"}}}}
                """
            try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            guard client.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true else {
                Issue.record("review \(n) was not answered with 200")
                return
            }
        }
        let metrics = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/metrics"]).stdout
        let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("webhook_requests_total{") }
        let own = lines.filter { $0.contains("kind=\"K") }
        let other = lines.filter { $0.contains("kind=\"other\"") }
        #expect(own.count == 1_000, "label sets with their own kind: \(own.count)")
        #expect(other.count == 1 && other.first.map { $0.hasSuffix(" 5") } == true, "\(other)")
    }

    @Test func chunkedBodyReachesTheHandlerAndBadChunkIs400() throws {
        let client = try RawTLSClient(port: server.port)
        let review = Array(SampleReview.knativeService().utf8)
        let half = review.count / 2
        var chunked = "POST /validate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        chunked += String(half, radix: 16) + ";ext=1\r\n" + String(decoding: review[..<half], as: UTF8.self) + "\r\n"
        chunked += String(review.count - half, radix: 16) + "\r\n" + String(decoding: review[half...], as: UTF8.self) + "\r\n0\r\n\r\n"
        try client.send(chunked)
        let answer = client.readResponses(1).first ?? ""
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(answer.contains("\"kind\":\"AdmissionReview\""))
        try client.send("POST /validate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        let bad = client.readToEnd()
        #expect(bad.hasPrefix("HTTP/1.1 400"), "\(bad)")
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() throws {
        let client = try RawTLSClient(port: server.port)
        let review = SampleReview.knativeService()
        try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(review.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
        let interim = client.readResponses(1)
        #expect(interim.first?.hasPrefix("HTTP/1.1 100 Continue") == true)
        try client.send(review)
        #expect(client.readResponses(1).first?.hasPrefix("HTTP/1.1 200") == true)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", "400"),
        ("GET /livez HTTP/1.1\nHost: a\n\n", "400"),
        ("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n\r\n", "411"),
        ("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "400"),
        ("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n", "413"),
        ("GET /livez HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n", "431"),
        ("GET /livez HTTP/3.0\r\nHost: a\r\n\r\n", "505"),
    ])
    func malformedRequestsGetTheirStatusAndTheConnectionCloses(request: String, status: String) throws {
        let client = try RawTLSClient(port: server.port)
        // The server may answer and close before the whole request is written (431).
        try? client.send(request)
        let answer = client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer.prefix(200))")
        #expect(answer.lowercased().contains("connection: close"))
        #expect(answer.contains("{\"error\":"))
        // The server keeps serving others.
        #expect(try server.curl(["\(server.baseURL)/livez"]).stdout == "ok\n")
    }

    @Test func bodyOverTheLimitIs413WithCurl() throws {
        let file = try TestPaths.temporaryDirectory("smw-body").appendingPathComponent("body.json")
        try Data(repeating: UInt8(ascii: "x"), count: 150_000).write(to: file)
        let result = try server.curl(["-w", "%{http_code}", "-o", "/dev/null", "-H", "Content-Type: application/json", "--data-binary", "@\(file.path)", "\(server.baseURL)/mutate"])
        #expect(result.stdout == "413")
    }

    @Test func incompleteRequestGets408AndIsClosed() throws {
        let client = try RawTLSClient(port: server.port)
        try client.send("POST /mutate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
        let answer = client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
    }

    @Test func http10IsAnsweredAndClosed() throws {
        let client = try RawTLSClient(port: server.port)
        try client.send("GET /livez HTTP/1.0\r\n\r\n")
        let answer = client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(answer.lowercased().contains("connection: close"))
    }

    @Test func connectionCloseIsHonoured() throws {
        let client = try RawTLSClient(port: server.port)
        try client.send("GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(client.readToEnd().hasPrefix("HTTP/1.1 200"))
    }

    @Test func metricsPortServesPrometheusTextAndProbes() throws {
        _ = try server.curl(["\(server.baseURL)/livez"])
        let metrics = try run("/usr/bin/curl", ["-sS", "-i", "\(server.metricsURL)/metrics"])
        #expect(metrics.stdout.contains("text/plain; version=0.0.4"))
        #expect(metrics.stdout.contains("http_requests_total{"))
        #expect(metrics.stdout.contains("protocol=\"http/1.1\""))
        #expect(metrics.stdout.contains("tls_certificate_not_after_timestamp_seconds"))
        let ready = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/readyz"])
        #expect(ready.stdout == "ok\n")
        let notHere = try run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(server.metricsURL)/mutate"])
        #expect(notHere.stdout == "404")
    }
}

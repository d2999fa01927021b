// Routing table behaviour: 404, 405 with Allow, 415, the ?timeout= deadline (504), and Go durations.
import Testing
@testable import HTTPServer

@Suite("Router")
struct RouterTests {
    static func router() -> Router {
        var router = Router()
        router.add(method: "POST", path: "/mutate", requiresJSON: true) { request, context in
            .text(200, "deadline=\(context.deadline.map { String($0 - context.receivedAt) } ?? "none") body=\(request.body.count)")
        }
        router.add(method: "GET", path: "/livez") { _, _ in .text(200, "ok") }
        return router
    }

    func post(_ target: String, contentType: String? = "application/json", receivedAt: Int64 = monotonicNanoseconds()) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let request = HTTPRequest(method: "POST", target: target, version: .http1_1, headers: headers, body: Array("{}".utf8))
        return Self.router().respond(to: request, receivedAt: receivedAt, remoteAddress: "127.0.0.1")
    }

    @Test func unknownPathIs404() {
        let response = Self.router().respond(to: HTTPRequest(method: "GET", target: "/nope", version: .http1_1), receivedAt: 0, remoteAddress: "")
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"error\""))
    }

    @Test func wrongMethodIs405WithAllow() {
        let response = Self.router().respond(to: HTTPRequest(method: "GET", target: "/mutate", version: .http1_1), receivedAt: 0, remoteAddress: "")
        #expect(response.status == 405)
        #expect(response.headers[first: "allow"] == "POST")
        let onGet = Self.router().respond(to: HTTPRequest(method: "DELETE", target: "/livez", version: .http1_1), receivedAt: 0, remoteAddress: "")
        #expect(onGet.headers[first: "allow"] == "GET, HEAD")
    }

    @Test func headIsServedByAGetRoute() {
        let response = Self.router().respond(to: HTTPRequest(method: "HEAD", target: "/livez", version: .http1_1), receivedAt: 0, remoteAddress: "")
        #expect(response.status == 200)
    }

    @Test(arguments: [
        ("application/json", 200), ("application/json; charset=utf-8", 200), ("Application/JSON", 200),
        (" application/json ;charset=UTF-8", 200), ("text/plain", 415), ("application/jsonx", 415), ("", 415),
    ])
    func mediaTypeIsChecked(contentType: String, status: Int) {
        #expect(post("/mutate", contentType: contentType).status == status)
    }

    @Test func missingContentTypeIs415() {
        #expect(post("/mutate", contentType: nil).status == 415)
    }

    @Test func timeoutBecomesTheHandlersDeadline() {
        let response = post("/mutate?timeout=10s")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("deadline=10000000000 "))
        #expect(String(decoding: post("/mutate").body, as: UTF8.self).hasPrefix("deadline=none "))
    }

    @Test func requestAlreadyPastItsTimeoutIs504WithoutRunningTheHandler() {
        let response = post("/mutate?timeout=1s", receivedAt: monotonicNanoseconds() - 2_000_000_000)
        #expect(response.status == 504)
    }

    @Test func invalidTimeoutIs400() {
        #expect(post("/mutate?timeout=soon").status == 400)
    }

    /// The router reads `?timeout=` from the target's bytes; it must find what
    /// `queryParameter("timeout")` and `GoDuration` find, for every shape of query.
    @Test(arguments: [
        "/mutate", "/mutate?", "/mutate?timeout=2s", "/mutate?timeoutx=1s&timeout=2s", "/mutate?timeout=2s&timeout=bad",
        "/mutate?timeout", "/mutate?timeout=", "/mutate?a=b=c&timeout=1s=2", "/mutate?&&timeout=3s&&", "/mutate?time=1s",
        "/mutate?Timeout=1s", "/mutate?=1s&timeout=4s", "/mutate?timeout=1s?timeout=2s", "/mutate?x=\u{212A}&timeout=5ms",
    ])
    func routerReadsTheTimeoutAsQueryParameterDoes(target: String) {
        let request = HTTPRequest(method: "POST", target: target, version: .http1_1)
        let expected: Router.Timeout = switch request.queryParameter("timeout") {
        case nil: .absent
        case let text?: GoDuration.nanoseconds(text).map { .nanoseconds($0) } ?? .invalid
        }
        let found = Self.router().lookUp(request)
        #expect(found.route == 0)
        #expect(found.timeout == expected)
        let response = post(target)
        switch expected {
        case .absent: #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("deadline=none "))
        case .invalid: #expect(response.status == 400)
        case .nanoseconds(let n): #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("deadline=\(n) "))
        }
    }

    /// Paths compare by bytes, the whole path up to '?'.
    @Test(arguments: [("/mutate/", 404), ("/mutat", 404), ("/Mutate", 404), ("//mutate", 404), ("/mutate?x", 200), ("/mutate", 200), ("", 404)])
    func pathsMatchExactly(target: String, status: Int) {
        #expect(post(target).status == status)
    }

    @Test(arguments: [
        ("10s", Int64(10_000_000_000)), ("0", 0), ("500ms", 500_000_000), ("1m30s", 90_000_000_000),
        ("1.5s", 1_500_000_000), ("2h", 7_200_000_000_000), ("250us", 250_000), ("7ns", 7),
        ("3µs", 3_000), ("3μs", 3_000), ("+5s", 5_000_000_000), (".5s", 500_000_000), ("1.s", 1_000_000_000),
        ("1h2m3s4ms5us6ns", 3_723_004_005_006), ("0s", 0), ("+0", 0),
    ])
    func goDurationsParse(text: String, nanoseconds: Int64) {
        #expect(GoDuration.nanoseconds(text[...]) == nanoseconds)
    }

    @Test(arguments: ["", "s", "10", "-1s", "10x", "1e3s", "999999999999h", "+", ".s", "5 s", "5sec", "1s2", "00", "µ", "5µ", "5\u{B5}x"])
    func badGoDurationsAreRejected(text: String) {
        #expect(GoDuration.nanoseconds(text[...]) == nil)
    }

    @Test func queryParametersAreFound() {
        let request = HTTPRequest(method: "GET", target: "/p?a=1&timeout=5s&flag", version: .http1_1)
        #expect(request.path == "/p")
        #expect(request.queryParameter("timeout") == "5s")
        #expect(request.queryParameter("flag") == "")
        #expect(request.queryParameter("missing") == nil)
        #expect(request.query == "a=1&timeout=5s&flag")

        let tricky = HTTPRequest(method: "GET", target: "/é/p?&&x=1=2&x=3&é=ü&&last=", version: .http1_1)
        #expect(tricky.path == "/é/p")
        #expect(tricky.queryParameter("x") == "1=2")  // the first occurrence, split at the first '='
        #expect(tricky.queryParameter("é") == "ü")
        #expect(tricky.queryParameter("last") == "")
        #expect(tricky.queryParameter("") == nil)
        #expect(tricky.queryParameter("1") == nil)

        let bare = HTTPRequest(method: "GET", target: "/p", version: .http1_1)
        #expect(bare.path == "/p" && bare.query == nil && bare.queryParameter("p") == nil)
        let empty = HTTPRequest(method: "GET", target: "/p?", version: .http1_1)
        #expect(empty.path == "/p" && empty.query == "" && empty.queryParameter("p") == nil)
    }

    /// Names compare by their bytes, as URL query names do, not by canonical equivalence.
    @Test func queryParameterNamesCompareByBytes() {
        let kelvin = HTTPRequest(method: "GET", target: "/p?\u{212A}=1&e\u{301}=2", version: .h2)
        #expect(kelvin.queryParameter("K") == nil)
        #expect(kelvin.queryParameter("\u{212A}") == "1")
        #expect(kelvin.queryParameter("\u{E9}") == nil)
        #expect(kelvin.queryParameter("e\u{301}") == "2")
        let unnamed = HTTPRequest(method: "GET", target: "/p?=v&timeout", version: .http1_1)
        #expect(unnamed.queryParameter("") == "v")
        #expect(unnamed.queryParameter("timeout") == "")
        #expect(unnamed.queryParameter("time") == nil)
    }

    @Test func headerLookupIgnoresCase() {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("X-Ü", "1"), ("x-a", "2"), ("X-A", "3")])
        #expect(headers[first: "content-type"] == "application/json")
        #expect(headers[first: "CONTENT-TYPE"] == "application/json")
        #expect(headers[first: "x-ü"] == "1" && headers[first: "X-Ü"] == "1")
        #expect(headers[all: "x-a"] == ["2", "3"] && headers[all: "X-a"] == ["2", "3"])
        #expect(headers[first: "missing"] == nil)
    }
}

extension RouterTests {
    /// The media type check kube-apiserver's `Content-Type: application/json` must pass, and
    /// the near misses it must not.
    @Test(arguments: [
        ("application/json", true), ("Application/JSON", true), ("application/json; charset=utf-8", true),
        (" \tapplication/json\t ;x=y", true), ("application/json;", true),
        ("application/jsonx", false), ("text/json", false), ("application/json-patch+json", false),
        ("", false), (";application/json", false), ("application/ json", false),
    ])
    func jsonMediaType(_ contentType: String, _ expected: Bool) {
        #expect(Router.isJSON(contentType) == expected)
    }

    @Test func noContentTypeIsNotJSON() {
        #expect(!Router.isJSON(nil))
    }
}

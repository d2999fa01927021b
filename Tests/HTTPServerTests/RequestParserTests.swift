// Table tests of the HTTP/1.1 request parser: valid requests under every segmentation, malformed ones by status.
import Testing
@testable import HTTPServer

/// The request parser's tests, grouped so that `--filter RequestParserTests` selects them all.
@Suite("RequestParser")
struct RequestParserTests {}

// MARK: - Driving the parser

/// Appends each chunk and drains `next()` until `.needMore` or a failure; returns every event
/// except `.needMore`. Records an issue if draining does not terminate.
func drive(_ parser: inout RequestParser, _ chunks: [[UInt8]]) -> [RequestParser.Event] {
    var events: [RequestParser.Event] = []
    for chunk in chunks {
        chunk.withUnsafeBytes { parser.append($0) }
        var budget = 2 * chunk.count + 8
        drain: while true {
            budget -= 1
            if budget < 0 { Issue.record("next() did not reach .needMore"); return events }
            let event = parser.next()
            switch event {
            case .needMore: break drain
            case .failure: events.append(event); return events
            default: events.append(event)
            }
        }
    }
    return events
}

func parse(_ bytes: [UInt8], limits: HTTP1Limits = HTTP1Limits()) -> [RequestParser.Event] {
    var parser = RequestParser(limits: limits)
    return drive(&parser, [bytes])
}

func parseBytewise(_ bytes: [UInt8], limits: HTTP1Limits = HTTP1Limits()) -> [RequestParser.Event] {
    var parser = RequestParser(limits: limits)
    return drive(&parser, bytes.map { [$0] })
}

func withoutContinue(_ events: [RequestParser.Event]) -> [RequestParser.Event] {
    events.filter { $0 != .continueExpected }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

// MARK: - Valid requests

struct ValidCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let raw: [UInt8]
    let request: HTTPRequest
    let keepAlive: Bool
    let expectsContinue: Bool

    init(_ name: String, _ raw: String, _ request: HTTPRequest, keepAlive: Bool = true, expectsContinue: Bool = false) {
        self.testDescription = name
        self.raw = Array(raw.utf8)
        self.request = request
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    var event: RequestParser.Event { .request(request, keepAlive: keepAlive) }

    /// Bytes up to and including the CRLFCRLF that ends the head.
    var headLength: Int {
        var i = 0
        while i + 4 <= raw.count {
            if raw[i..<(i + 4)].elementsEqual([13, 10, 13, 10]) && i > 0 { return i + 4 }
            i += 1
        }
        return raw.count
    }
}

let review = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#

let validCases: [ValidCase] = [
    ValidCase("GET origin-form",
              "GET /livez HTTP/1.1\r\nHost: webhook\r\n\r\n",
              HTTPRequest(method: "GET", target: "/livez", version: .http1_1, headers: HTTPHeaders([("host", "webhook")]))),
    ValidCase("POST with Content-Length and query string",
              "POST /mutate?timeout=10s HTTP/1.1\r\nHost: webhook.ns.svc:443\r\nContent-Type: application/json\r\nContent-Length: \(review.utf8.count)\r\n\r\n\(review)",
              HTTPRequest(method: "POST", target: "/mutate?timeout=10s", version: .http1_1,
                          headers: HTTPHeaders([("host", "webhook.ns.svc:443"), ("content-type", "application/json"), ("content-length", "\(review.utf8.count)")]),
                          body: Array(review.utf8))),
    ValidCase("chunked with extensions and trailers",
              "POST /validate HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6 ; a=\"b\"\r\n world\r\n0;last\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n",
              HTTPRequest(method: "POST", target: "/validate", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("transfer-encoding", "chunked")]), body: bytes("hello world"))),
    ValidCase("chunked with upper-case hex, leading zeros and Chunked spelled in capitals",
              "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n00A\r\n0123456789\r\n000\r\n\r\n",
              HTTPRequest(method: "PUT", target: "/x", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("transfer-encoding", "Chunked")]), body: bytes("0123456789"))),
    ValidCase("Expect 100-continue with Content-Length",
              "POST /mutate HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n{}",
              HTTPRequest(method: "POST", target: "/mutate", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("expect", "100-Continue"), ("content-length", "2")]), body: bytes("{}")),
              expectsContinue: true),
    ValidCase("Expect 100-continue with chunked body",
              "POST /mutate HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
              HTTPRequest(method: "POST", target: "/mutate", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("expect", "100-continue"), ("transfer-encoding", "chunked")]), body: bytes("{}")),
              expectsContinue: true),
    ValidCase("Expect 100-continue with an empty body needs no 100",
              "POST /mutate HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
              HTTPRequest(method: "POST", target: "/mutate", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("expect", "100-continue"), ("content-length", "0")]))),
    ValidCase("HTTP/1.0 without Host is answered and closed",
              "GET /readyz HTTP/1.0\r\n\r\n",
              HTTPRequest(method: "GET", target: "/readyz", version: .http1_0), keepAlive: false),
    ValidCase("HTTP/1.0 POST ignores 100-continue",
              "POST /mutate HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}",
              HTTPRequest(method: "POST", target: "/mutate", version: .http1_0,
                          headers: HTTPHeaders([("content-length", "2"), ("expect", "100-continue")]), body: bytes("{}")),
              keepAlive: false),
    ValidCase("Connection: close ends keep-alive",
              "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1, headers: HTTPHeaders([("host", "h"), ("connection", "close")])),
              keepAlive: false),
    ValidCase("Connection list containing Close ends keep-alive",
              "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1, headers: HTTPHeaders([("host", "h"), ("connection", "keep-alive, Close")])),
              keepAlive: false),
    ValidCase("Connection: keep-alive without close keeps the connection",
              "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, closed\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1, headers: HTTPHeaders([("host", "h"), ("connection", "keep-alive, closed")]))),
    ValidCase("absolute-form reduced to path and query",
              "GET http://webhook.ns.svc:8443/mutate?x=1 HTTP/1.1\r\nHost: webhook\r\n\r\n",
              HTTPRequest(method: "GET", target: "/mutate?x=1", version: .http1_1, headers: HTTPHeaders([("host", "webhook")]))),
    ValidCase("absolute-form without path becomes /",
              "GET HTTPS://webhook HTTP/1.1\r\nHost: webhook\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1, headers: HTTPHeaders([("host", "webhook")]))),
    ValidCase("absolute-form with only a query becomes /?query",
              "GET http://webhook?q=1 HTTP/1.1\r\nHost: webhook\r\n\r\n",
              HTTPRequest(method: "GET", target: "/?q=1", version: .http1_1, headers: HTTPHeaders([("host", "webhook")]))),
    ValidCase("query string kept verbatim",
              "GET /validate?timeout=30s&dryRun=true%20x HTTP/1.1\r\nHost: h\r\n\r\n",
              HTTPRequest(method: "GET", target: "/validate?timeout=30s&dryRun=true%20x", version: .http1_1, headers: HTTPHeaders([("host", "h")]))),
    ValidCase("header values trimmed of SP and HTAB, inner space and obs-text kept",
              "GET / HTTP/1.1\r\nHost:h\r\nX-Padded: \t value  with inner \t \r\nX-Empty:\r\nX-Blank:   \r\nX-Text: caf\u{E9}\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1,
                          headers: HTTPHeaders([("host", "h"), ("x-padded", "value  with inner"), ("x-empty", ""), ("x-blank", ""), ("x-text", "caf\u{E9}")]))),
    ValidCase("empty lines before the request line are ignored",
              "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
              HTTPRequest(method: "GET", target: "/", version: .http1_1, headers: HTTPHeaders([("host", "h")]))),
    ValidCase("names lower-cased, order and repeated fields kept",
              "DELETE /x HTTP/1.1\r\nX-Forwarded-For: a\r\nHOST: h\r\nx-forwarded-for: b\r\n\r\n",
              HTTPRequest(method: "DELETE", target: "/x", version: .http1_1,
                          headers: HTTPHeaders([("x-forwarded-for", "a"), ("host", "h"), ("x-forwarded-for", "b")]))),
    ValidCase("OPTIONS * is accepted",
              "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
              HTTPRequest(method: "OPTIONS", target: "*", version: .http1_1, headers: HTTPHeaders([("host", "h")]))),
    ValidCase("HEAD and custom token methods have no body without framing fields",
              "HEAD /livez HTTP/1.1\r\nHost: h\r\n\r\n",
              HTTPRequest(method: "HEAD", target: "/livez", version: .http1_1, headers: HTTPHeaders([("host", "h")]))),
    ValidCase("POST with Content-Length 0 and leading zeros",
              "POST /validate HTTP/1.1\r\nHost: h\r\nContent-Length: 000\r\n\r\n",
              HTTPRequest(method: "POST", target: "/validate", version: .http1_1, headers: HTTPHeaders([("host", "h"), ("content-length", "000")]))),
]

extension RequestParserTests {
    @Suite("valid requests")
    struct ValidRequests {
        @Test("parses a request fed whole", arguments: validCases)
        func parsesRequestFedWhole(_ c: ValidCase) {
            var parser = RequestParser(limits: HTTP1Limits())
            #expect(drive(&parser, [c.raw]) == [c.event])
            #expect(!parser.isMidRequest)
            #expect(parser.bufferedByteCount == 0)
        }

        @Test("parses a request split in two at every byte boundary", arguments: validCases)
        func parsesRequestSplitAtEveryBoundary(_ c: ValidCase) {
            let headLength = c.headLength
            for split in 1..<c.raw.count {
                var parser = RequestParser(limits: HTTP1Limits())
                let events = drive(&parser, [Array(c.raw[..<split]), Array(c.raw[split...])])
                // The 100 goes out only when the first read held the whole head but not the body.
                let continueDue = c.expectsContinue && split >= headLength && split < c.raw.count
                let expected: [RequestParser.Event] = continueDue ? [.continueExpected, c.event] : [c.event]
                #expect(events == expected, "split at \(split)")
                #expect(!parser.isMidRequest)
            }
        }

        /// `Connection.drive` skips the parser when nothing is buffered: that is only right if
        /// every event is handed out as soon as its bytes are there.
        @Test("with nothing buffered there is never an event left to hand out", arguments: validCases)
        func nothingBufferedMeansNothingPending(_ c: ValidCase) {
            for size in [1, 2, 7, c.raw.count] {
                var parser = RequestParser(limits: HTTP1Limits())
                for start in stride(from: 0, to: c.raw.count, by: size) {
                    let piece = Array(c.raw[start..<min(start + size, c.raw.count)])
                    piece.withUnsafeBytes { parser.append($0) }
                    var steps = 0
                    while steps < 10 {
                        steps += 1
                        if parser.bufferedByteCount == 0 {
                            #expect(parser.next() == .needMore, "pieces of \(size), at \(start)")
                            break
                        }
                        if parser.next() == .needMore { break }
                    }
                }
            }
        }

        @Test("parses a request fed one byte at a time", arguments: validCases)
        func parsesRequestFedBytewise(_ c: ValidCase) {
            var parser = RequestParser(limits: HTTP1Limits())
            var events: [RequestParser.Event] = []
            var leadingEmptyLines = 0
            while leadingEmptyLines + 1 < c.raw.count, c.raw[leadingEmptyLines] == 13, c.raw[leadingEmptyLines + 1] == 10 {
                leadingEmptyLines += 2
            }
            for (i, byte) in c.raw.enumerated() {
                events += drive(&parser, [[byte]])
                if i >= leadingEmptyLines && i < c.raw.count - 1 { #expect(parser.isMidRequest, "after byte \(i)") }
            }
            let expected: [RequestParser.Event] = c.expectsContinue ? [.continueExpected, c.event] : [c.event]
            #expect(events == expected)
            #expect(!parser.isMidRequest)
            #expect(parser.bufferedByteCount == 0)
        }

        @Test func continueExpectedAfterHeadThenRequestAfterBody() {
            var parser = RequestParser(limits: HTTP1Limits())
            let head = bytes("POST /mutate HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(drive(&parser, [head]) == [.continueExpected])
            #expect(parser.next() == .needMore)  // only once
            #expect(drive(&parser, [bytes("{}")]) == [])
            let events = drive(&parser, [bytes("[]")])
            #expect(events.count == 1)
            if case .request(let request, let keepAlive)? = events.first {
                #expect(request.body == bytes("{}[]"))
                #expect(keepAlive)
            }
        }
    }
}

// MARK: - Pipelining and buffering

extension RequestParserTests {
    @Suite("pipelining and buffering")
    struct Pipelining {
        @Test func threePipelinedRequestsComeOutInOrder() {
            let raw = validCases[0].raw + validCases[1].raw + validCases[2].raw
            var parser = RequestParser(limits: HTTP1Limits())
            raw.withUnsafeBytes { parser.append($0) }
            #expect(parser.isMidRequest)
            #expect(parser.next() == validCases[0].event)
            #expect(parser.isMidRequest)  // two more requests are buffered
            #expect(parser.next() == validCases[1].event)
            #expect(parser.next() == validCases[2].event)
            #expect(parser.next() == .needMore)
            #expect(!parser.isMidRequest)
            #expect(parser.bufferedByteCount == 0)
        }

        @Test func isMidRequestTracksAPartialRequest() {
            var parser = RequestParser(limits: HTTP1Limits())
            #expect(!parser.isMidRequest)
            let raw = validCases[1].raw
            let headLength = validCases[1].headLength
            #expect(drive(&parser, [Array(raw[..<5])]) == [])
            #expect(parser.isMidRequest)
            #expect(drive(&parser, [Array(raw[5..<(headLength + 3)])]) == [])
            #expect(parser.isMidRequest)  // head parsed, body incomplete
            #expect(parser.bufferedByteCount == 3)
            #expect(drive(&parser, [Array(raw[(headLength + 3)...])]) == [validCases[1].event])
            #expect(!parser.isMidRequest)
        }

        @Test func emptyLinesAloneAreNotARequest() {
            var parser = RequestParser(limits: HTTP1Limits())
            #expect(drive(&parser, [bytes("\r\n\r\n")]) == [])
            #expect(!parser.isMidRequest)
        }

        @Test func manyRequestsInOddSizedReadsKeepTheBufferCompact() {
            let stream = (0..<400).flatMap { validCases[$0 % validCases.count].raw }
            let expected = (0..<400).map { validCases[$0 % validCases.count].event }
            let largest = validCases.map(\.raw.count).max() ?? 0
            var parser = RequestParser(limits: HTTP1Limits())
            var events: [RequestParser.Event] = []
            var offset = 0
            var size = 1
            while offset < stream.count {
                let end = min(stream.count, offset + size)
                events += drive(&parser, [Array(stream[offset..<end])])
                #expect(parser.buffer.count <= 2 * (largest + 97))
                offset = end
                size = size % 97 + 13
            }
            #expect(withoutContinue(events) == expected)
            #expect(parser.bufferedByteCount == 0)
        }
    }
}

// MARK: - Malformed requests

struct MalformedCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let raw: [UInt8]
    let status: Int
    let limits: HTTP1Limits

    init(_ name: String, _ raw: String, _ status: Int, limits: HTTP1Limits = HTTP1Limits()) {
        self.testDescription = "\(name) is \(status)"
        self.raw = Array(raw.utf8)
        self.status = status
        self.limits = limits
    }
}

let small = HTTP1Limits(maxHeaderBytes: 100, maxBodyBytes: 8)
let post = "POST /mutate HTTP/1.1\r\nHost: h\r\n"
let chunkedPost = post + "Transfer-Encoding: chunked\r\n\r\n"

let malformedCases: [MalformedCase] = [
    // Request line (RFC 9112 §3)
    MalformedCase("method with a non-token byte", "G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("request line without target", "GET HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("HTTP/0.9 request line", "GET /\r\n\r\n", 400),
    MalformedCase("two spaces after the method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("space inside the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("trailing space after the version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
    MalformedCase("leading space before the method", " GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("target not origin-form", "GET mutate HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("asterisk target with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("authority-form target", "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("absolute-form without authority", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("DEL byte in target", "GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("version without minor digit", "GET / HTTP/2\r\nHost: h\r\n\r\n", 400),
    MalformedCase("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
    MalformedCase("HTTP/1.2 request line", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
    // Header fields (RFC 9112 §5)
    MalformedCase("header name with a non-token byte", "GET / HTTP/1.1\r\nHost: h\r\nX(Y): 1\r\n\r\n", 400),
    MalformedCase("empty header name", "GET / HTTP/1.1\r\nHost: h\r\n: 1\r\n\r\n", 400),
    MalformedCase("header line without colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", 400),
    MalformedCase("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
    MalformedCase("tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400),
    MalformedCase("obs-fold continuation line", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  2\r\n\r\n", 400),
    MalformedCase("control byte in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{01}b\r\n\r\n", 400),
    MalformedCase("NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{00}b\r\n\r\n", 400),
    MalformedCase("DEL in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}\r\n\r\n", 400),
    MalformedCase("bare LF ending the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
    MalformedCase("bare LF ending a header", "GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
    MalformedCase("bare LF ending the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", 400),
    MalformedCase("bare LF as a leading empty line", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("bare CR inside a header value", "GET / HTTP/1.1\r\nHost: h\rX-A: b\r\n\r\n", 400),
    MalformedCase("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    MalformedCase("bare CR as a header line", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n\r\n", 400),
    MalformedCase("missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400),
    MalformedCase("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
    // Body length (RFC 9112 §6)
    MalformedCase("duplicate equal Content-Length", post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400),
    MalformedCase("conflicting Content-Length", post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
    MalformedCase("Content-Length comma list", post + "Content-Length: 2, 2\r\n\r\n{}", 400),
    MalformedCase("Content-Length with Transfer-Encoding", post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400),
    MalformedCase("Content-Length: -1", post + "Content-Length: -1\r\n\r\n", 400),
    MalformedCase("Content-Length: +5", post + "Content-Length: +5\r\n\r\n12345", 400),
    MalformedCase("Content-Length: 1 2", post + "Content-Length: 1 2\r\n\r\n", 400),
    MalformedCase("empty Content-Length", post + "Content-Length:\r\n\r\n", 400),
    MalformedCase("hex Content-Length", post + "Content-Length: 0x10\r\n\r\n", 400),
    MalformedCase("Content-Length overflowing Int", post + "Content-Length: 99999999999999999999999\r\n\r\n", 400),
    MalformedCase("Content-Length over the limit, body not sent", post + "Content-Length: 7340033\r\n\r\n", 413),
    MalformedCase("Content-Length Int.max", post + "Content-Length: 9223372036854775807\r\n\r\n", 413),
    MalformedCase("POST without length", post + "\r\n", 411),
    MalformedCase("PUT without length", "PUT / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
    MalformedCase("PATCH without length", "PATCH / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
    MalformedCase("unknown Transfer-Encoding", post + "Transfer-Encoding: gzip\r\n\r\n", 501),
    MalformedCase("gzip before chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
    MalformedCase("chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    MalformedCase("empty Transfer-Encoding", post + "Transfer-Encoding:\r\n\r\n", 400),
    MalformedCase("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    MalformedCase("Expect other than 100-continue", post + "Expect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417),
    // Chunked (RFC 9112 §7.1)
    MalformedCase("chunk size zz", chunkedPost + "zz\r\n", 400),
    MalformedCase("chunk size -1", chunkedPost + "-1\r\n", 400),
    MalformedCase("empty chunk size", chunkedPost + "\r\n", 400),
    MalformedCase("chunk size followed by junk", chunkedPost + "5x\r\nhello\r\n0\r\n\r\n", 400),
    MalformedCase("chunk size with too many digits", chunkedPost + "00000000000000005\r\nhello\r\n0\r\n\r\n", 400),
    MalformedCase("chunk size overflowing Int", chunkedPost + "ffffffffffffffff\r\n", 400),
    MalformedCase("chunk size far beyond Int", chunkedPost + "1ffffffffffffffff0\r\n", 400),
    MalformedCase("control byte in chunk extension", chunkedPost + "5;a=\u{01}\r\nhello\r\n0\r\n\r\n", 400),
    MalformedCase("chunk extension over 4 KiB", chunkedPost + "5;" + String(repeating: "e", count: 4200) + "\r\nhello\r\n0\r\n\r\n", 400),
    MalformedCase("missing CRLF after chunk data", chunkedPost + "5\r\nhelloX\r\n0\r\n\r\n", 400),
    MalformedCase("LF without CR after chunk data", chunkedPost + "5\r\nhello\n0\r\n\r\n", 400),
    MalformedCase("bare LF after chunk size", chunkedPost + "5\nhello\r\n0\r\n\r\n", 400),
    MalformedCase("obs-fold in trailer", chunkedPost + "0\r\nX-T: 1\r\n 2\r\n\r\n", 400),
    MalformedCase("chunked body over the limit", chunkedPost + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 413, limits: small),
    MalformedCase("single chunk over the limit, data not sent", chunkedPost + "7fffffffffffffff\r\n", 413),
    // Head size (RFC 6585 §5)
    MalformedCase("oversize head", "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 66000) + "\r\n\r\n", 431),
    MalformedCase("oversize head without final CRLFCRLF", "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 66000), 431),
    MalformedCase("oversize request line", "GET /" + String(repeating: "a", count: 66000), 431),
    MalformedCase("many small header fields", "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X-A: 1\r\n", count: 10000), 431),
    MalformedCase("trailers counted against the head limit", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " + String(repeating: "t", count: 60) + "\r\n\r\n", 431, limits: small),
]

extension RequestParserTests {
    @Suite("malformed requests")
    struct MalformedRequests {
        @Test("maps a malformed request to its status", arguments: malformedCases)
        func mapsMalformedRequestToStatus(_ c: MalformedCase) {
            var parser = RequestParser(limits: c.limits)
            let events = drive(&parser, [c.raw])
            guard case .failure(let error)? = events.last else {
                Issue.record("no failure: \(events)")
                return
            }
            #expect(error.status == c.status, "\(error.message)")
            #expect(withoutContinue(events).count == 1, "no request before the failure")
            // Terminal: the same failure forever, whatever else arrives.
            #expect(parser.next() == .failure(error))
            validCases[0].raw.withUnsafeBytes { parser.append($0) }
            #expect(parser.next() == .failure(error))
            #expect(!parser.isMidRequest)
            // Segmentation does not change the verdict.
            let bytewise = parseBytewise(c.raw, limits: c.limits)
            #expect(withoutContinue(bytewise) == [.failure(error)])
        }

        @Test func oversizeHeadIsRefusedAsSoonAsItPassesTheLimit() {
            var parser = RequestParser(limits: HTTP1Limits(maxHeaderBytes: 100, maxBodyBytes: 10))
            let head = bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Big: ") + [UInt8](repeating: UInt8(ascii: "a"), count: 200)
            #expect(drive(&parser, [Array(head[..<100])]) == [])
            #expect(parser.isMidRequest)
            let events = drive(&parser, [[head[100]]])
            #expect(events == [.failure(HTTPParseError(status: 431, message: "request header fields too large"))])
        }

        @Test func contentLengthOverLimitIsRefusedBeforeTheBodyAndWithoutContinue() {
            var parser = RequestParser(limits: HTTP1Limits(maxHeaderBytes: 1000, maxBodyBytes: 10))
            let head = bytes(post + "Expect: 100-continue\r\nContent-Length: 11\r\n\r\n")
            let events = drive(&parser, [head])
            #expect(events == [.failure(HTTPParseError(status: 413, message: "request body too large"))])
        }

        @Test func bodyExactlyAtTheLimitIsAccepted() {
            let limits = HTTP1Limits(maxHeaderBytes: 1000, maxBodyBytes: 10)
            let fixed = parse(bytes(post + "Content-Length: 10\r\n\r\n0123456789"), limits: limits)
            let chunked = parse(bytes(chunkedPost + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"), limits: limits)
            for events in [fixed, chunked] {
                guard case .request(let request, _)? = events.first else { Issue.record("\(events)"); continue }
                #expect(request.body == bytes("0123456789"))
            }
        }

        @Test func failureAfterAGoodRequestKeepsTheGoodRequest() {
            let events = parse(validCases[0].raw + bytes("GET / HTTP/9.9\r\n\r\n"))
            #expect(events == [validCases[0].event, .failure(HTTPParseError(status: 505, message: "HTTP version not supported"))])
        }
    }
}

// MARK: - Robustness

/// SplitMix64: a tiny seedable generator so the randomized test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RequestParserTests {
    @Test func randomMutationsNeverTrapAlwaysTerminateAndIgnoreSegmentation() {
        var rng = SplitMix64(state: 0x5EED_2026)
        let interesting: [UInt8] = [13, 10, 32, 9, 58, 59, 48, 102, 0, 0x7F, 0xFF, 44, 45]
        let sources = validCases.map(\.raw)
        for round in 0..<3000 {
            var input = sources[Int.random(in: 0..<sources.count, using: &rng)]
            if round % 3 == 0 { input += sources[Int.random(in: 0..<sources.count, using: &rng)] }
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !input.isEmpty {
                let at = Int.random(in: 0..<input.count, using: &rng)
                let byte = Bool.random(using: &rng) ? interesting[Int.random(in: 0..<interesting.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: input[at] ^= UInt8.random(in: 1...255, using: &rng)
                case 1: input.removeSubrange(at...)
                case 2: input.insert(byte, at: at)
                case 3: input.remove(at: at)
                default: input.insert(contentsOf: input[at..<min(input.count, at + 8)], at: at)
                }
            }
            let limits = round % 4 == 0 ? HTTP1Limits(maxHeaderBytes: 48, maxBodyBytes: 6) : HTTP1Limits()
            var whole = RequestParser(limits: limits)
            let wholeEvents = drive(&whole, [input])
            var pieces: [[UInt8]] = []
            var offset = 0
            while offset < input.count {
                let end = min(input.count, offset + Int.random(in: 1...9, using: &rng))
                pieces.append(Array(input[offset..<end]))
                offset = end
            }
            var split = RequestParser(limits: limits)
            let splitEvents = drive(&split, pieces)
            #expect(withoutContinue(wholeEvents) == withoutContinue(splitEvents), "round \(round)")
            #expect(whole.bufferedByteCount <= input.count)
        }
    }
}

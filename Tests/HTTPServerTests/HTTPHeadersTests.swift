// Header fields kept as byte ranges by the HTTP/1.1 parser: lookups, iteration, and their bytes
// surviving whatever the parser does with its buffer afterwards.
import Testing
@testable import HTTPServer

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    /// The headers of the single request in `raw`.
    func parsedHeaders(_ raw: String, chunks: Int = 1) -> HTTPHeaders? {
        var parser = RequestParser(limits: HTTP1Limits())
        let bytes = Array(raw.utf8)
        let size = max(1, (bytes.count + chunks - 1) / chunks)
        let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        for case .request(let request, _) in drive(&parser, pieces) { return request.headers }
        return nil
    }

    @Test func receivedFieldsAreFoundIgnoringCaseRepeatedAndAbsent() throws {
        let headers = try #require(parsedHeaders(
            "POST /m HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: a\r\nCONTENT-TYPE: Application/JSON\r\nx-forwarded-for:  b \r\nContent-Length: 0\r\n\r\n"))
        #expect(headers.count == 5)
        #expect(headers[first: "content-type"] == "Application/JSON")
        #expect(headers[first: "Content-Type"] == "Application/JSON")
        #expect(headers[all: "X-FORWARDED-FOR"] == ["a", "b"])
        #expect(headers[first: "x-forwarded-for"] == "a")
        #expect(headers[first: "accept"] == nil && headers[all: "accept"].isEmpty)
        #expect(headers[first: "x-forwarded-fo"] == nil && headers[first: "x-forwarded-for-"] == nil)
        #expect(headers[first: "hóst"] == nil)  // a non-ASCII name matches no token
        #expect(headers.withFirstValue("content-type") { Array($0) } == Array("Application/JSON".utf8))
        #expect(headers.withFirstValue("accept") { _ in true } == nil)
    }

    @Test func iterationMakesLowerCaseNamesAndValuesInOrder() throws {
        let headers = try #require(parsedHeaders("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-b:\t2\t\r\nX-A: 3\r\n\r\n"))
        let fields = headers.fields
        #expect(fields.map(\.name) == ["host", "x-a", "x-b", "x-a"])
        #expect(fields.map(\.value) == ["h", "1", "2", "3"])
        #expect(headers == HTTPHeaders([("host", "h"), ("x-a", "1"), ("X-B", "2"), ("x-a", "3")]))
        #expect(headers != HTTPHeaders([("host", "h"), ("x-a", "1"), ("x-b", "2")]))
    }

    @Test func nonASCIIAndInvalidUTF8ValuesDecodeAsStringsDid() throws {
        // obs-text (RFC 9110 §5.5): valid UTF-8 kept, an invalid sequence repaired, never a trap.
        var raw = Array("GET / HTTP/1.1\r\nHost: h\r\nX-Text: caf\u{E9}\r\nX-Bad: a".utf8)
        raw += [0xFF, 0xC3, UInt8(ascii: "b")]
        raw += Array("\r\n\r\n".utf8)
        var parser = RequestParser(limits: HTTP1Limits())
        guard case .request(let request, _) = drive(&parser, [raw]).first else {
            Issue.record("no request")
            return
        }
        #expect(request.headers[first: "x-text"] == "caf\u{E9}")
        #expect(request.headers[first: "x-bad"] == String(decoding: [UInt8(ascii: "a"), 0xFF, 0xC3, UInt8(ascii: "b")], as: UTF8.self))
        #expect(request.headers.withFirstValue("x-text") { Array($0) } == Array("caf\u{E9}".utf8))
    }

    @Test func fieldsAddedAfterReceivedOnesFollowThem() throws {
        var headers = try #require(parsedHeaders("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n"))
        headers.add(name: "X-A", value: "2")
        headers.add(name: "x-new", value: "application/json")
        #expect(headers.count == 4)
        #expect(headers[all: "x-a"] == ["1", "2"])
        #expect(headers.fields.map(\.name) == ["host", "x-a", "x-a", "x-new"])
        #expect(headers.withFirstValue("x-new") { Array($0) } == Array("application/json".utf8))
    }

    @Test func stringFieldsWithoutAParserWorkAsBefore() {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("x-a", "2"), ("X-A", "3")])
        #expect(headers.withFirstValue("content-type") { Router.isJSON($0) } == true)
        #expect(headers.withFirstValue("x-a") { Array($0) } == Array("2".utf8))
        #expect(headers.withFirstValue("missing") { _ in true } == nil)
    }

    @Test func fieldsSurviveSegmentationAndChunkedBodies() throws {
        let head = "POST /m HTTP/1.1\r\nHost: h\r\nX-Long: \(String(repeating: "v", count: 300))\r\nTransfer-Encoding: chunked\r\n\r\n"
        let raw = head + "5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"
        for chunks in [1, 3, 17, raw.utf8.count] {
            let headers = try #require(parsedHeaders(raw, chunks: chunks))
            #expect(headers[first: "x-long"] == String(repeating: "v", count: 300))
            #expect(headers[first: "transfer-encoding"] == "chunked")
            #expect(headers[first: "x-trailer"] == nil)
            #expect(headers.count == 3)
        }
    }

    @Test func aRequestKeptByTheCallerKeepsItsFieldsWhileTheParserGoesOn() {
        // The fields share the parser's buffer, the body its reused body array: later reads,
        // compaction and the next requests must not change a request already handed out.
        var parser = RequestParser(limits: HTTP1Limits())
        var kept: [HTTPRequest] = []
        for n in 10..<50 {
            let raw = "POST /m HTTP/1.1\r\nHost: h\(n)\r\nContent-Type: type-\(n)\r\nContent-Length: 3\r\n\r\nb\(n)"
            // Split mid-head so each request spans two reads.
            let bytes = Array(raw.utf8)
            for case .request(let request, _) in drive(&parser, [Array(bytes[..<20]), Array(bytes[20...])]) {
                kept.append(request)
            }
        }
        #expect(kept.count == 40)
        for (i, request) in kept.enumerated() {
            let n = i + 10
            #expect(request.headers[first: "host"] == "h\(n)")
            #expect(request.headers[first: "content-type"] == "type-\(n)")
            #expect(request.body == Array("b\(n)".utf8))
        }
    }
}

@Suite("Router.isJSON on bytes")
struct RouterJSONBytesTests {
    @Test func jsonMediaTypeOnBytes() {
        func check(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes { Router.isJSON($0) } }
        #expect(check("application/json") && check("Application/JSON") && check(" application/json ; charset=utf-8"))
        #expect(!check("application\u{0F}json") && !check("applicationOjson") && !check("application/jsonx"))
        #expect(!check("application/jso") && !check("") && !check(";application/json") && !check("applic\u{E9}tion/json"))
        #expect(Array<UInt8>().withUnsafeBytes { Router.isJSON($0) } == false)
    }
}

@Suite("HTTP1Syntax.containsForbiddenControl")
struct ForbiddenControlScanTests {
    /// Every byte value at every position of buffers around the 8-byte word size, with and
    /// without a tab before it, against the byte-wise definition.
    @Test func agreesWithTheByteWiseDefinition() {
        for length in [1, 7, 8, 9, 16, 23] {
            for position in 0..<length {
                for value in 0...255 {
                    for tabAt in [nil, 0, length - 1] as [Int?] {
                        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                        if let tabAt, tabAt != position { bytes[tabAt] = 0x09 }
                        bytes[position] = UInt8(value)
                        let expected = bytes.contains { HTTP1Syntax.isForbiddenControl($0) }
                        let found = bytes.withUnsafeBytes { HTTP1Syntax.containsForbiddenControl($0, 0..<length) }
                        if found != expected {
                            Issue.record("length \(length), byte \(value) at \(position), tab at \(String(describing: tabAt))")
                            return
                        }
                    }
                }
            }
        }
        let some = Array("ab\u{7F}cdefghij".utf8)
        #expect(some.withUnsafeBytes { HTTP1Syntax.containsForbiddenControl($0, 3..<some.count) } == false)
        #expect(some.withUnsafeBytes { HTTP1Syntax.containsForbiddenControl($0, 2..<some.count) } == true)
        #expect([UInt8]().withUnsafeBytes { HTTP1Syntax.containsForbiddenControl($0, 0..<0) } == false)
    }
}

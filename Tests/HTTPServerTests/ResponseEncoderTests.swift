// Exact-byte tests of the HTTP/1.1 response encoder.
import Testing
@testable import HTTPServer

@Suite("ResponseEncoder")
struct ResponseEncoderTests {
    let date = "Sun, 06 Nov 1994 08:49:37 GMT"
    let json = HTTPResponse.json(200, Array(#"{"ok":true}"#.utf8))

    func encoded(_ response: HTTPResponse, keepAlive: Bool, headOnly: Bool = false) -> String {
        var out: [UInt8] = []
        ResponseEncoder.encode(response, keepAlive: keepAlive, date: date, headOnly: headOnly, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func jsonResponseOnKeepAliveConnection() {
        #expect(encoded(json, keepAlive: true) ==
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n{\"ok\":true}")
    }

    @Test func jsonResponseClosingTheConnectionSaysConnectionClose() {
        #expect(encoded(json, keepAlive: false) ==
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\nconnection: close\r\n\r\n{\"ok\":true}")
    }

    @Test func headResponseKeepsContentLengthButOmitsBody() {
        #expect(encoded(json, keepAlive: true, headOnly: true) ==
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func errorResponseCarriesReasonPhraseAndJSONBody() {
        let response = HTTPResponse.error(405, "method not allowed", headers: [("Allow", "POST")])
        let body = "{\"error\":\"method not allowed\"}\n"
        #expect(encoded(response, keepAlive: true) ==
            "HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\nallow: POST\r\ncontent-length: \(body.utf8.count)\r\ndate: \(date)\r\n\r\n\(body)")
    }

    @Test func noContentHasNeitherContentLengthNorBody() {
        let response = HTTPResponse(status: 204, body: Array("ignored".utf8))
        #expect(encoded(response, keepAlive: true) == "HTTP/1.1 204 No Content\r\ndate: \(date)\r\n\r\n")
    }

    @Test func encodeAppendsToWhatIsAlreadyInTheOutput() {
        var out = Array("previous".utf8)
        ResponseEncoder.encode(HTTPResponse(status: 200), keepAlive: true, date: date, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "previousHTTP/1.1 200 OK\r\ncontent-length: 0\r\ndate: \(date)\r\n\r\n")
    }

    @Test func headerValueCannotSplitTheResponse() {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("x-a", "1\r\nset-cookie: evil")]))
        #expect(encoded(response, keepAlive: true) ==
            "HTTP/1.1 200 OK\r\nx-a: 1  set-cookie: evil\r\ncontent-length: 0\r\ndate: \(date)\r\n\r\n")
    }

    /// Headers holding received fields (a handler passing a request's on) take the general
    /// path; added ones after them, NUL made a space as CR and LF are.
    @Test func receivedFieldsAreWrittenBeforeAddedOnes() {
        let raw = Array("X-From: peer\r\nAccept: */*".utf8)
        var headers = HTTPHeaders(bytes: raw, base: 0, spans: [
            HTTPHeaders.FieldSpan(name: 0..<6, value: 8..<12), HTTPHeaders.FieldSpan(name: 14..<20, value: 22..<25),
        ])
        headers.add(name: "X-Added", value: "a\u{0}b")
        #expect(!headers.hasOnlyAddedFields)
        #expect(encoded(HTTPResponse(status: 200, headers: headers), keepAlive: true) ==
            "HTTP/1.1 200 OK\r\nx-from: peer\r\naccept: */*\r\nx-added: a b\r\ncontent-length: 0\r\ndate: \(date)\r\n\r\n")
        var added = HTTPHeaders()
        added.add(name: "X-Added", value: "a\u{0}b")
        #expect(added.hasOnlyAddedFields)
        #expect(encoded(HTTPResponse(status: 200, headers: added), keepAlive: true) ==
            "HTTP/1.1 200 OK\r\nx-added: a b\r\ncontent-length: 0\r\ndate: \(date)\r\n\r\n")
    }

    @Test func statusWithoutKnownReasonStillEncodes() {
        #expect(encoded(HTTPResponse(status: 299), keepAlive: true).hasPrefix("HTTP/1.1 299 Status 299\r\n"))
    }

    @Test func largeBodyLengthIsWrittenInDecimal() {
        let response = HTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: 7_340_032))
        var out: [UInt8] = []
        ResponseEncoder.encode(response, keepAlive: true, date: date, headOnly: true, into: &out)
        #expect(String(decoding: out, as: UTF8.self).contains("\r\ncontent-length: 7340032\r\n"))
    }

    @Test func continueResponseIsTheInterim100() {
        #expect(ResponseEncoder.continueResponse == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }
}

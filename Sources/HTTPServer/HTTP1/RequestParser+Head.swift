// The request line and header fields of RFC 9112 §3 and §5, and the body-length decision of §6.

extension RequestParser {
    /// What the parser has learned from the head of the request in progress. Lives inside one
    /// `RequestParser`; it does not validate anything itself.
    struct RequestHead {
        var method = ""
        var target = ""
        var version: HTTPVersion = .http1_1
        /// The header field lines, copied out of the buffer for a chunked body (see `pinsFields`).
        var ownedFieldBytes: [UInt8]?
        var hostCount = 0
        var contentLength: Int?
        var hasTransferEncoding = false
        var chunkedCount = 0
        var hasUnsupportedCoding = false
        var expectsContinue = false
        var hasUnsupportedExpectation = false
        var connectionClose = false
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    mutating func parseRequestLine(_ raw: UnsafeRawBufferPointer, _ line: Range<Int>) -> HTTPParseError? {
        let end = line.upperBound
        var i = line.lowerBound
        while i < end, raw[i] != HTTP1Syntax.sp {
            guard HTTP1Syntax.isTokenByte(raw[i]) else { return .badRequest("invalid method") }
            i &+= 1
        }
        guard i > line.lowerBound, i < end else { return .badRequest("malformed request line") }
        let methodRange = line.lowerBound..<i
        i &+= 1
        let targetStart = i
        while i < end, raw[i] != HTTP1Syntax.sp {
            let b = raw[i]
            guard b > 0x20, b < 0x7F else { return .badRequest("invalid request target") }
            i &+= 1
        }
        guard i > targetStart, i < end else { return .badRequest("malformed request line") }
        let targetRange = targetStart..<i

        switch parseVersion(raw, (i &+ 1)..<end) {
        case .success(let version): head.version = version
        case .failure(let error): return error
        }
        head.method = Self.method(raw, methodRange)
        guard let target = requestTarget(raw, targetRange, isOptions: head.method == "OPTIONS") else {
            return .badRequest("invalid request target")
        }
        head.target = target
        // Emptied in place when the previous request has been dropped (the usual case), else
        // a new list. Room for the usual few fields at once instead of growing 1, 2, 4, 8:
        // callgrind, RequestParser.step ~7,200 -> ~6,240 instructions per request (4 header lines).
        fieldSpans.removeAll(keepingCapacity: true)
        body.removeAll(keepingCapacity: true)
        if fieldSpans.capacity < 8 { fieldSpans.reserveCapacity(8) }
        return nil
    }

    /// The method as a String: a literal for the common ones (no decoding, no allocation),
    /// else decoded from the bytes (checked tokens, hence ASCII).
    static func method(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        func match(_ name: StaticString) -> Bool {
            guard range.count == name.utf8CodeUnitCount else { return false }
            var k = 0
            for i in range {
                if raw[i] != name.utf8Start[k] { return false }
                k &+= 1
            }
            return true
        }
        switch range.count {
        case 3:
            if match("GET") { return "GET" }
            if match("PUT") { return "PUT" }
        case 4:
            if match("POST") { return "POST" }
            if match("HEAD") { return "HEAD" }
        default: break
        }
        return HTTP1Syntax.string(raw, range)
    }

    /// `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3): 1.1 and 1.0 are served, other well-formed versions
    /// get 505, anything else 400.
    func parseVersion(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Result<HTTPVersion, HTTPParseError> {
        let malformed = HTTPParseError.badRequest("malformed HTTP version")
        guard range.count == 8 else { return .failure(malformed) }
        let s = range.lowerBound
        guard raw[s] == UInt8(ascii: "H"), raw[s &+ 1] == UInt8(ascii: "T"), raw[s &+ 2] == UInt8(ascii: "T"),
              raw[s &+ 3] == UInt8(ascii: "P"), raw[s &+ 4] == UInt8(ascii: "/"), raw[s &+ 6] == UInt8(ascii: ".")
        else { return .failure(malformed) }
        let major = raw[s &+ 5]
        let minor = raw[s &+ 7]
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(major), digits.contains(minor) else { return .failure(malformed) }
        if major == UInt8(ascii: "1") && minor == UInt8(ascii: "1") { return .success(.http1_1) }
        if major == UInt8(ascii: "1") && minor == UInt8(ascii: "0") { return .success(.http1_0) }
        return .failure(HTTPParseError(status: 505, message: "HTTP version not supported"))
    }

    /// The target as handlers see it: origin-form as sent; absolute-form reduced to path and
    /// query (RFC 9112 §3.2.2); `*` for OPTIONS only (§3.2.4); nil for anything else
    /// (authority-form is for CONNECT, which this server does not do).
    func requestTarget(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, isOptions: Bool) -> String? {
        let first = raw[range.lowerBound]
        if first == UInt8(ascii: "/") { return HTTP1Syntax.string(raw, range) }
        if range.count == 1 && first == UInt8(ascii: "*") { return isOptions ? "*" : nil }

        let schemeLength: Int
        if range.count > 7, HTTP1Syntax.equalsIgnoringCase(raw, range.lowerBound..<(range.lowerBound &+ 7), "http://") {
            schemeLength = 7
        } else if range.count > 8, HTTP1Syntax.equalsIgnoringCase(raw, range.lowerBound..<(range.lowerBound &+ 8), "https://") {
            schemeLength = 8
        } else {
            return nil
        }
        let authorityStart = range.lowerBound &+ schemeLength
        var i = authorityStart
        while i < range.upperBound, raw[i] != UInt8(ascii: "/"), raw[i] != UInt8(ascii: "?") { i &+= 1 }
        guard i > authorityStart else { return nil }
        if i == range.upperBound { return "/" }
        if raw[i] == UInt8(ascii: "?") { return "/" + HTTP1Syntax.string(raw, i..<range.upperBound) }
        return HTTP1Syntax.string(raw, i..<range.upperBound)
    }

    /// What a header field means to this parser.
    enum FieldKind {
        case host, contentLength, transferEncoding, expect, connection, other
    }

    /// The meaning of a field name, matched on the raw bytes so that the common case neither
    /// allocates nor compares Strings: `.other` for every field that does not decide framing.
    static func fieldKind(_ raw: UnsafeRawBufferPointer, _ name: Range<Int>) -> FieldKind {
        func match(_ lower: StaticString) -> Bool { HTTP1Syntax.equalsLowercaseName(raw, name, lower) }
        switch name.count {
        case 4: if match("host") { return .host }
        case 6: if match("expect") { return .expect }
        case 10: if match("connection") { return .connection }
        case 14: if match("content-length") { return .contentLength }
        case 17: if match("transfer-encoding") { return .transferEncoding }
        default: break
        }
        return .other
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5). Header fields are stored as byte
    /// ranges (`fieldSpans`, made Strings only when asked for, see `HTTPHeaders`); trailer fields
    /// are only checked, then dropped (RFC 9112 §7.1.2 lets us ignore them).
    mutating func parseFieldLine(_ raw: UnsafeRawBufferPointer, _ line: Range<Int>, store: Bool) -> HTTPParseError? {
        let start = line.lowerBound
        let end = line.upperBound
        // RFC 9112 §5.2: obs-fold is refused outside message/http.
        if HTTP1Syntax.isWhitespace(raw[start]) { return .badRequest("obsolete line folding in header field") }
        var colon = start
        while colon < end {
            let b = raw[colon]
            if b == HTTP1Syntax.colon { break }
            guard HTTP1Syntax.isTokenByte(b) else {
                // RFC 9112 §5.1: whitespace between name and colon MUST be rejected with 400.
                return .badRequest(HTTP1Syntax.isWhitespace(b) ? "whitespace in header field name or before colon"
                                                               : "invalid header field name")
            }
            colon &+= 1
        }
        guard colon < end else { return .badRequest("header field without colon") }
        guard colon > start else { return .badRequest("empty header field name") }
        let valueRange = HTTP1Syntax.trimmed(raw, (colon &+ 1)..<end)
        if HTTP1Syntax.containsForbiddenControl(raw, valueRange) {
            return .badRequest("control character in header field value")  // CR, NUL, DEL, ... (RFC 9110 §5.5)
        }
        guard store else { return nil }

        let kind = Self.fieldKind(raw, start..<colon)
        if kind != .other, let error = noteFramingField(kind, raw, valueRange) { return error }
        // Counted from `fieldsBase`, which `step` set at or before this line: no underflow.
        fieldSpans.append(HTTPHeaders.FieldSpan(name: (start &- fieldsBase)..<(colon &- fieldsBase),
                                                value: (valueRange.lowerBound &- fieldsBase)..<(valueRange.upperBound &- fieldsBase)))
        return nil
    }

    /// Records the fields that decide framing and connection handling.
    mutating func noteFramingField(_ kind: FieldKind, _ raw: UnsafeRawBufferPointer, _ value: Range<Int>) -> HTTPParseError? {
        switch kind {
        case .host:
            head.hostCount &+= 1
        case .contentLength:
            // RFC 9112 §6.3: a repeated or list-valued Content-Length is refused outright
            // rather than reconciled (request smuggling defence).
            guard head.contentLength == nil else { return .badRequest("duplicate Content-Length") }
            guard let length = Self.decimal(raw, value) else { return .badRequest("invalid Content-Length") }
            head.contentLength = length
        case .transferEncoding:
            head.hasTransferEncoding = true
            HTTP1Syntax.forEachListElement(raw, value) { coding in
                if HTTP1Syntax.equalsIgnoringCase(raw, coding, "chunked") {
                    head.chunkedCount &+= 1
                } else {
                    head.hasUnsupportedCoding = true
                }
            }
        case .expect:
            HTTP1Syntax.forEachListElement(raw, value) { expectation in
                if HTTP1Syntax.equalsIgnoringCase(raw, expectation, "100-continue") {
                    head.expectsContinue = true
                } else {
                    head.hasUnsupportedExpectation = true
                }
            }
        case .connection:
            HTTP1Syntax.forEachListElement(raw, value) { option in
                if HTTP1Syntax.equalsIgnoringCase(raw, option, "close") { head.connectionClose = true }
            }
        case .other:
            break
        }
        return nil
    }

    /// `1*DIGIT` without sign or spaces, nil when empty, malformed or beyond `Int.max`.
    static func decimal(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for i in range {
            let b = raw[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(b &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// At the empty line ending the head: checks Host, Expect and the framing fields, then
    /// chooses how the body is delimited (RFC 9112 §6.3).
    mutating func finishHead() -> HTTPParseError? {
        // RFC 9112 §3.2: exactly one Host in HTTP/1.1; never more than one.
        if head.version == .http1_1 && head.hostCount == 0 { return .badRequest("missing Host header") }
        if head.hostCount > 1 { return .badRequest("more than one Host header") }

        if head.hasTransferEncoding {
            // RFC 9112 §6.1: both present is a smuggling attempt or a broken client.
            if head.contentLength != nil { return .badRequest("both Transfer-Encoding and Content-Length") }
            // RFC 9112 §6.1: HTTP/1.0 has no Transfer-Encoding; the framing is unreliable.
            if head.version == .http1_0 { return .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            // RFC 9112 §6.1: a coding we do not implement is 501; only `chunked` alone is served.
            if head.hasUnsupportedCoding {
                return HTTPParseError(status: 501, message: "unsupported Transfer-Encoding")
            }
            // RFC 9112 §7: chunked exactly once, as the final coding.
            if head.chunkedCount != 1 { return .badRequest("invalid Transfer-Encoding") }
        }

        // RFC 9110 §10.1.1: 100-continue is the only expectation; HTTP/1.0 clients get none.
        if head.hasUnsupportedExpectation { return HTTPParseError(status: 417, message: "unsupported expectation") }
        if head.version == .http1_0 { head.expectsContinue = false }

        if let length = head.contentLength {
            // server.md: 413 decided from Content-Length before reading the body.
            if length > limits.maxBodyBytes { return HTTPParseError(status: 413, message: "request body too large") }
            state = .fixedBody(length: length)
        } else if head.hasTransferEncoding {
            // The fields leave the buffer (see `pinsFields`); `fieldSpans` count from
            // `fieldsBase`, so they index the copy from 0. `readIndex` is past the empty line.
            head.ownedFieldBytes = Array(buffer[fieldsBase..<readIndex])
            state = .chunkSize
        } else {
            switch head.method {
            case "POST", "PUT", "PATCH": return HTTPParseError(status: 411, message: "length required")
            default: state = .fixedBody(length: 0)  // RFC 9112 §6.3 item 7: no body
            }
        }
        return nil
    }
}

// Serializes an HTTPResponse as HTTP/1.1 bytes (RFC 9112 §4 status line, §6 framing).

/// Writes responses for the HTTP/1.1 connection code on its event-loop thread; stateless.
/// It adds the framing fields (`content-length`, `date`, `connection: close`) itself and does
/// not check that the handler left them out, does not chunk (bodies are always complete) and
/// does not cache the date (the caller passes `HTTPDate.format` output, refreshed per second,
/// and nothing else: the date is copied as it is).
package enum ResponseEncoder {
    /// The interim response written when a request expects 100-continue (RFC 9110 §15.2.1).
    package static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends the serialized response to `out`: status line, the response's headers,
    /// `content-length`, `date`, and `connection: close` when `!keepAlive`, then the body unless
    /// `headOnly` (a HEAD request keeps the content-length of the GET, RFC 9110 §9.3.2).
    /// 1xx and 204 carry neither content-length nor body (RFC 9110 §8.6).
    package static func encode(_ response: HTTPResponse, keepAlive: Bool, date: String, headOnly: Bool = false, into out: inout [UInt8]) {
        let status = response.status
        let bodyAllowed = status >= 200 && status != 204
        // A handler's headers are all added ones (nothing received), so their field lines are
        // ready made: one copy (callgrind: ~1,900 -> ~1,200 instructions per /mutate answer).
        let fieldLines = response.headers.hasOnlyAddedFields
        var estimate = 64 &+ date.utf8.count
        if fieldLines {
            estimate &+= response.headers.addedFieldLines.count
        } else {
            response.headers.forEachField { name, value in estimate &+= name.utf8.count &+ value.utf8.count &+ 4 }
        }
        if bodyAllowed && !headOnly { estimate &+= response.body.count }
        out.reserveCapacity(out.count &+ estimate)

        if status == 200 {
            // Nearly every response: the status line as one literal. Formatting it cost ~300
            // instructions (callgrind).
            append("HTTP/1.1 200 OK\r\n", to: &out)
        } else {
            append("HTTP/1.1 ", to: &out)
            appendDecimal(status, to: &out)
            out.append(UInt8(ascii: " "))
            append(reasonPhrase(status), to: &out)
            appendCRLF(&out)
        }
        if fieldLines {
            out.append(contentsOf: response.headers.addedFieldLines)
        } else {
            response.headers.forEachField { name, value in
                appendFieldText(name, to: &out)
                append(": ", to: &out)
                appendFieldText(value, to: &out)
                appendCRLF(&out)
            }
        }
        if bodyAllowed {
            append("content-length: ", to: &out)
            appendDecimal(response.body.count, to: &out)
            appendCRLF(&out)
        }
        append("date: ", to: &out)
        // Our own `HTTPDate.format` text (ASCII, no CR/LF/NUL): copied without the scan for
        // bytes to neutralise, ~160 instructions per response (callgrind).
        append(date, to: &out)
        appendCRLF(&out)
        if !keepAlive {
            append("connection: close", to: &out)
            appendCRLF(&out)
        }
        appendCRLF(&out)
        if bodyAllowed && !headOnly { out.append(contentsOf: response.body) }
    }

    @inline(__always)
    static func append(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    @inline(__always)
    static func appendCRLF(_ out: inout [UInt8]) {
        out.append(HTTP1Syntax.cr)
        out.append(HTTP1Syntax.lf)
    }

    /// A header name or value; CR, LF and NUL become SP so that a handler's value can never
    /// split the response (RFC 9110 §5.5).
    static func appendFieldText(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { text in
            if !text.contains(where: { $0 == HTTP1Syntax.cr || $0 == HTTP1Syntax.lf || $0 == 0 }) {
                out.append(contentsOf: text)  // the usual case: one copy
                return
            }
            for b in text {
                out.append(b == HTTP1Syntax.cr || b == HTTP1Syntax.lf || b == 0 ? HTTP1Syntax.sp : b)
            }
        }
    }

    /// `value` in decimal ASCII (negative values, which no caller sends, get a minus sign).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendDecimal(UInt(value.magnitude), to: &out)
        } else {
            appendDecimal(UInt(value), to: &out)
        }
    }

    static func appendDecimal(_ value: UInt, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes hold the 20 digits of UInt.max
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            var i = scratch.count
            repeat {
                i &-= 1
                scratch[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            } while v > 0 && i > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }
}

// One HTTP response as a handler returns it; the protocol layer adds framing headers.

/// A complete response. `headers` must not carry framing fields (`content-length`,
/// `transfer-encoding`, `connection`): the HTTP/1.1 encoder and the HTTP/2 session add those.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a JSON body `{"error": message}`, as every error of server.md carries.
    public static func error(_ status: Int, _ message: String, headers extra: [(String, String)] = []) -> HTTPResponse {
        var headers = jsonHeaders
        for (name, value) in extra { headers.add(name: name, value: value) }
        return HTTPResponse(status: status, headers: headers, body: Array(("{\"error\":" + jsonQuoted(message) + "}\n").utf8))
    }

    /// A JSON response with the given body bytes.
    public static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders, body: body)
    }

    /// `content-type: application/json`, built once: building it per response from an array
    /// of tuples (allocate, lower-case check, append) cost ~1,100 instructions (callgrind).
    static let jsonHeaders = HTTPHeaders([("content-type", "application/json")])

    /// A plain-text response.
    public static func text(_ status: Int, _ body: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("content-type", contentType)]), body: Array(body.utf8))
    }
}

/// `s` as a JSON string literal (RFC 8259 §7): quotes, backslash and control characters escaped.
package func jsonQuoted(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// The reason phrase for the statuses this server sends (RFC 9110 §15).
package func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 200: return "OK"
    case 204: return "No Content"
    case 400: return "Bad Request"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 408: return "Request Timeout"
    case 411: return "Length Required"
    case 413: return "Content Too Large"
    case 415: return "Unsupported Media Type"
    case 417: return "Expectation Failed"
    case 422: return "Unprocessable Content"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    case 505: return "HTTP Version Not Supported"
    default: return "Status \(status)"
    }
}

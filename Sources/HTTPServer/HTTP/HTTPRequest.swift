// One complete HTTP request as the transport hands it to a handler, whatever the protocol.

/// The protocol a request arrived over.
public enum HTTPVersion: String, Sendable, Equatable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    case h2 = "h2"

    /// The label used in metrics (`http/1.1` for both HTTP/1.x versions, `h2`).
    public var metricLabel: String { self == .h2 ? "h2" : "http/1.1" }
}

/// A fully received request: head and whole body. Built by the HTTP/1.1 parser or the HTTP/2
/// session on an event-loop thread and handed to the handler on that same thread.
/// It knows nothing of what the body means.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (origin-form: path plus optional `?query`).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The path part of the target, without the query.
    public var path: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return target[...]
    }

    /// The raw query string after `?`, or nil.
    public var query: Substring? {
        guard let q = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: q)...]
    }

    /// The value of query parameter `name` (first occurrence, not percent-decoded).
    public func queryParameter(_ name: String) -> Substring? {
        guard let query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: "=") {
                if pair[..<eq] == name { return pair[pair.index(after: eq)...] }
            } else if pair == name {
                return pair[pair.endIndex...]
            }
        }
        return nil
    }
}

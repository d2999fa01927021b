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
        if let q = queryMark { return target[..<q] }
        return target[...]
    }

    /// The raw query string after `?`, or nil.
    public var query: Substring? {
        guard let q = queryMark else { return nil }
        return target[target.utf8.index(after: q)...]
    }

    /// Where the `?` is: found among the UTF-8 bytes (an ASCII byte is always a character
    /// boundary), not by `Character`, which costs ~30 instructions per character scanned
    /// (callgrind: ~3,000 of a request's instructions went to finding it twice).
    /// Scanned over contiguous UTF-8 (`withUTF8`), then turned into an index in O(1): the
    /// generic `utf8.firstIndex(of:)` stepped String indices, ~125 instructions for "/mutate"
    /// (callgrind; the router asks twice per request).
    private var queryMark: String.Index? {
        var copy = target
        let offset = copy.withUTF8 { bytes -> Int? in
            for i in bytes.indices where bytes[i] == UInt8(ascii: "?") { return i }
            return nil
        }
        guard let offset else { return nil }
        return target.utf8.index(target.utf8.startIndex, offsetBy: offset)
    }

    /// The value of query parameter `name` (first occurrence, not percent-decoded).
    public func queryParameter(_ name: String) -> Substring? {
        // Bytes, as URL query names are (Go's `url.Values`): a name matches when its bytes
        // equal `name`'s, where `Substring == String` compared by canonical equivalence (KELVIN
        // SIGN U+212A matched "K"). Scanned over contiguous UTF-8 and sliced by byte offsets in
        // O(1): the generic `utf8.firstIndex(of:)` and the String comparisons cost 1,400
        // instructions a request more for `?timeout=10s`, asked on every review (callgrind).
        var copy = target
        var wanted = name
        let found: Range<Int>? = copy.withUTF8 { bytes in
            wanted.withUTF8 { wanted in
                guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return nil }
                var start = mark + 1
                while start < bytes.endIndex {
                    var stop = start
                    while stop < bytes.endIndex, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
                    var equals = start
                    while equals < stop, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                    if start < stop, equals - start == wanted.count, wanted.elementsEqual(bytes[start..<equals]) {
                        return equals < stop ? (equals + 1)..<stop : stop..<stop
                    }
                    start = stop + 1
                }
                return nil
            }
        }
        guard let found else { return nil }
        // '&', '=' and '?' are ASCII, so the offsets fall on character boundaries.
        let lower = target.utf8.index(target.utf8.startIndex, offsetBy: found.lowerBound)
        return target[lower..<target.utf8.index(lower, offsetBy: found.count)]
    }
}

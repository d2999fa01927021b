// Maps method and path to a handler and answers 404, 405, 415 and 504 itself.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the transport knows about a request besides its bytes. Built on the event-loop thread.
public struct RequestContext: Sendable {
    /// Monotonic nanoseconds when the complete request was received.
    public let receivedAt: Int64
    /// Monotonic nanoseconds after which the caller has given up (from `?timeout=`), if given.
    public let deadline: Int64?
    /// The peer's numeric address.
    public let remoteAddress: String

    public init(receivedAt: Int64, deadline: Int64?, remoteAddress: String) {
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.remoteAddress = remoteAddress
    }
}

/// A request handler: runs synchronously on the event-loop thread that received the request,
/// so it must be quick and must not block (the policy is a pure function of the body).
public typealias RequestHandler = @Sendable (HTTPRequest, RequestContext) -> HTTPResponse

/// An immutable routing table, shared by every event loop. It knows paths and methods, never
/// what the bodies mean. Unknown path → 404, wrong method → 405 with `Allow`, a JSON route
/// given another media type → 415, a request already past its `?timeout=` deadline → 504.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: String
        let path: String
        /// `path`'s UTF-8, compared with the target's bytes.
        let pathBytes: [UInt8]
        let requiresJSON: Bool
        let handler: RequestHandler
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route. `requiresJSON` enforces `Content-Type: application/json` (parameters such
    /// as `charset` allowed) and reads `?timeout=` as a deadline.
    public mutating func add(method: String, path: String, requiresJSON: Bool = false, handler: @escaping RequestHandler) {
        routes.append(Route(method: method, path: path, pathBytes: Array(path.utf8), requiresJSON: requiresJSON, handler: handler))
    }

    /// The response for `request`.
    public func respond(to request: HTTPRequest, receivedAt: Int64, remoteAddress: String) -> HTTPResponse {
        let found = lookUp(request)
        guard let index = found.route else { return refusal(request) }
        let route = routes[index]
        var deadline: Int64?
        if route.requiresJSON {
            guard request.headers.withFirstValue("content-type", Self.isJSON) ?? false else {
                return .error(415, "content type must be application/json")
            }
            switch found.timeout {
            case .absent:
                break
            case .invalid:
                let text = request.queryParameter("timeout") ?? ""
                return .error(400, "invalid timeout \"\(text)\": expected a duration such as 10s")
            case .nanoseconds(let nanos):
                deadline = receivedAt &+ nanos
                if monotonicNanoseconds() > deadline ?? .max {
                    let text = request.queryParameter("timeout") ?? ""
                    return .error(504, "the request's timeout of \(text) passed before it was processed")
                }
            }
        }
        return route.handler(request, RequestContext(receivedAt: receivedAt, deadline: deadline, remoteAddress: remoteAddress))
    }

    /// What `?timeout=` says, read only for a JSON route.
    enum Timeout: Equatable {
        case absent
        case invalid
        case nanoseconds(Int64)
    }

    /// The first route whose path and method match, and its `?timeout=`. One pass over the
    /// target's UTF-8: the path compared as bytes with each route's, the query's `timeout`
    /// found and read in place. Callgrind: the router's own work (path split as a Substring,
    /// String comparisons, the query scanned again for its parameter) cost ~2,300
    /// instructions per /mutate request; read this way, ~1,200 (90,910 -> 89,840 per
    /// keep-alive request). The first parameter named exactly `timeout` counts, as
    /// `HTTPRequest.queryParameter` finds it (a test holds the two to the same answers).
    func lookUp(_ request: HTTPRequest) -> (route: Int?, timeout: Timeout) {
        var target = request.target
        return target.withUTF8 { bytes -> (route: Int?, timeout: Timeout) in
            var pathEnd = 0
            while pathEnd < bytes.count, bytes[pathEnd] != UInt8(ascii: "?") { pathEnd &+= 1 }
            for index in routes.indices {
                let route = routes[index]
                guard route.method == request.method || (route.method == "GET" && request.method == "HEAD"),
                      route.pathBytes.withUnsafeBufferPointer({ Self.equal($0, bytes, 0, pathEnd) }) else { continue }
                guard route.requiresJSON, pathEnd < bytes.count else { return (index, .absent) }
                return (index, Self.timeout(in: UnsafeBufferPointer(rebasing: bytes[(pathEnd &+ 1)...])))
            }
            return (nil, .absent)
        }
    }

    /// Whether `bytes[from..<to]` (within `bytes`) equals `wanted`.
    @inline(__always)
    private static func equal(_ wanted: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        guard to &- from == wanted.count else { return false }
        guard let a = wanted.baseAddress, let b = bytes.baseAddress else { return wanted.isEmpty }
        return memcmp(a, b + from, wanted.count) == 0
    }

    /// The first `timeout` parameter of `query` (the bytes after '?'), as a Go duration.
    static func timeout(in query: UnsafeBufferPointer<UInt8>) -> Timeout {
        let name: StaticString = "timeout"
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var start = 0
        while start < query.count {
            var stop = start
            var equals = -1
            while stop < query.count, query[stop] != UInt8(ascii: "&") {
                if equals < 0, query[stop] == UInt8(ascii: "=") { equals = stop }
                stop &+= 1
            }
            if equals < 0 { equals = stop }
            if equal(wanted, query, start, equals) {
                let value = UnsafeBufferPointer(rebasing: query[min(equals &+ 1, stop)..<stop])
                return GoDuration.nanoseconds(value).map { .nanoseconds($0) } ?? .invalid
            }
            start = stop &+ 1
        }
        return .absent
    }

    /// 404 when no route has the request's path, else 405 with the methods it allows.
    private func refusal(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        // By bytes, as `lookUp` matched them (String `==` compares canonical equivalents equal).
        var allowed = routes.filter { $0.pathBytes.elementsEqual(path.utf8) }.map(\.method)
        if allowed.isEmpty { return .error(404, "no such path: \(path)") }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .error(405, "method \(request.method) not allowed on \(path)", headers: [("allow", allowed.joined(separator: ", "))])
    }

    /// True for `application/json`, case-insensitive, with or without parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard var contentType else { return false }
        return contentType.withUTF8 { isJSON(UnsafeRawBufferPointer($0)) }
    }

    /// `isJSON` on the value's bytes, as the request's headers hold them (no String made).
    /// Indexes through the base pointer: the generic `firstIndex(of:)` and bounds-checked
    /// subscripts made it ~435 instructions per request (callgrind).
    static func isJSON(_ utf8: UnsafeRawBufferPointer) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        // Compared as bytes (this runs for every request): the media type before any ';',
        // without surrounding spaces or tabs, ASCII case-insensitively. Every index below is
        // within 0..<utf8.count: `end` starts at most there and `start` never passes it.
        var end = 0
        while end < utf8.count, base.load(fromByteOffset: end, as: UInt8.self) != UInt8(ascii: ";") { end &+= 1 }
        var start = 0
        func isSpace(_ i: Int) -> Bool {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            return b == 0x20 || b == 0x09
        }
        while start < end, isSpace(start) { start &+= 1 }
        while end > start, isSpace(end &- 1) { end &-= 1 }
        // 16 bytes, compared as two words with bit 0x20 set in each byte: for a letter that
        // accepts exactly it and its upper case; the one non-letter, '/', is checked exactly.
        // Callgrind: isJSON ~254 -> ~124 instructions per request.
        let expected: StaticString = "application/json"
        guard end &- start == 16 else { return false }
        let text = base + start
        let json = UnsafeRawPointer(expected.utf8Start)
        let mask: UInt64 = 0x2020_2020_2020_2020
        return text.loadUnaligned(as: UInt64.self) | mask == json.loadUnaligned(as: UInt64.self)
            && text.loadUnaligned(fromByteOffset: 8, as: UInt64.self) | mask == json.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            && text.load(fromByteOffset: 11, as: UInt8.self) == UInt8(ascii: "/")
    }
}

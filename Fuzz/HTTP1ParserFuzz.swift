// libFuzzer entry point for the HTTP/1.1 RequestParser: arbitrary bytes in arbitrary splits.

/// The fuzz target, compiled into one module with Sources/HTTPServer/HTTP1 (the parser files)
/// and Sources/HTTPServer/HTTP by scripts/fuzz.sh. libFuzzer calls it on its one thread.
///
/// The first two input bytes choose the limits and the split pattern; the rest is what a
/// client sent on one connection. The bytes are fed whole, one byte at a time and in the
/// chosen splits; after each `append` the harness calls `next()` until `.needMore` or
/// `.failure`. It traps (deliberately, this is a test harness) when
/// - a failure carries a status other than 400/405/408/411/413/417/431/501/505, or a later
///   `next()` or `append` changes it;
/// - a request is malformed as handed out: body over the limit, empty or non-token method,
///   a target that is not origin-form or `*`, `Expect: 100-continue` announced twice;
/// - the requests and the final outcome depend on how the bytes were split.
/// It does not run in the server or the test suite.
@_cdecl("LLVMFuzzerTestOneInput")
public func http1ParserFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 2 else { return 0 }
    let control0 = data[0]
    let control1 = data[1]
    let input = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    // Small limits half the time, so that 431 and 413 are reachable within -max_len.
    let limits = control0 & 1 == 0
        ? HTTP1Limits()
        : HTTP1Limits(maxHeaderBytes: 64 + Int(control0 >> 1) * 4, maxBodyBytes: Int(control1) * 8)

    let whole = HTTP1FuzzRun.feed(input, limits: limits) { _ in input.count }
    let byteByByte = HTTP1FuzzRun.feed(input, limits: limits) { _ in 1 }
    var seed = UInt32(control1) &* 2654435761 &+ UInt32(control0)
    let random = HTTP1FuzzRun.feed(input, limits: limits) { _ in
        seed = seed &* 1103515245 &+ 12345
        return Int((seed >> 16) % 97) + 1
    }
    guard whole == byteByByte else { fatalError("split-dependent result (whole vs byte by byte):\n\(whole)\n\(byteByByte)") }
    guard whole == random else { fatalError("split-dependent result (whole vs random splits):\n\(whole)\n\(random)") }
    return 0
}

/// What one feeding of the bytes produced: the requests (without the interleaved
/// 100-continue events, which depend on timing) and the terminal failure, if any.
struct HTTP1FuzzRun: Equatable, CustomStringConvertible {
    static let allowedStatuses: Set<Int> = [400, 405, 408, 411, 413, 417, 431, 501, 505]

    var requests: [String] = []
    var failure: HTTPParseError?
    var endsMidRequest = false

    var description: String { "requests: \(requests), failure: \(String(describing: failure)), mid-request: \(endsMidRequest)" }

    /// Feeds `input` in pieces of `pieceSize(offset)` bytes, stepping after each piece.
    static func feed(_ input: UnsafeRawBufferPointer, limits: HTTP1Limits, pieceSize: (Int) -> Int) -> HTTP1FuzzRun {
        var parser = RequestParser(limits: limits)
        var run = HTTP1FuzzRun()
        var continues = 0
        var offset = 0
        while offset < input.count, run.failure == nil {
            let end = min(input.count, offset + max(1, pieceSize(offset)))
            parser.append(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
            offset = end
            stepping: while true {
                switch parser.next() {
                case .needMore:
                    break stepping
                case .continueExpected:
                    continues += 1
                    guard continues == 1 else { fatalError("100-continue announced twice for one request") }
                case .request(let request, let keepAlive):
                    check(request, keepAlive: keepAlive, limits: limits)
                    continues = 0
                    run.requests.append(summary(request, keepAlive: keepAlive))
                case .failure(let error):
                    guard allowedStatuses.contains(error.status) else { fatalError("failure status \(error.status): \(error.message)") }
                    guard !error.message.isEmpty else { fatalError("failure without a message") }
                    run.failure = error
                    break stepping
                }
            }
        }
        if let failure = run.failure {
            // Terminal: the same failure again, and appended bytes are ignored.
            guard parser.next() == .failure(failure) else { fatalError("failure is not terminal") }
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8CString.withUnsafeBytes { parser.append($0) }
            guard parser.next() == .failure(failure) else { fatalError("append after failure changed the outcome") }
            guard !parser.isMidRequest else { fatalError("isMidRequest after failure") }
        } else {
            run.endsMidRequest = parser.isMidRequest
            guard parser.bufferedByteCount >= 0 else { fatalError("negative buffered byte count") }
        }
        return run
    }

    static func check(_ request: HTTPRequest, keepAlive: Bool, limits: HTTP1Limits) {
        guard request.body.count <= limits.maxBodyBytes else { fatalError("body of \(request.body.count) bytes over the limit \(limits.maxBodyBytes)") }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(isTokenByte) else { fatalError("bad method \(request.method.debugDescription)") }
        guard request.target.hasPrefix("/") || (request.target == "*" && request.method == "OPTIONS") else {
            fatalError("target not in origin form: \(request.target.debugDescription)")
        }
        guard request.target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { fatalError("control byte in target") }
        guard request.version == .http1_1 || request.version == .http1_0 else { fatalError("version \(request.version)") }
        if request.version == .http1_0 && keepAlive { fatalError("HTTP/1.0 kept alive") }
        if request.version == .http1_1 {
            guard request.headers[all: "host"].count == 1 else { fatalError("HTTP/1.1 request without exactly one Host") }
        }
        guard request.headers[all: "content-length"].count <= 1 else { fatalError("two Content-Length fields accepted") }
        if !request.headers[all: "transfer-encoding"].isEmpty && !request.headers[all: "content-length"].isEmpty {
            fatalError("both Transfer-Encoding and Content-Length accepted")
        }
        if let length = request.headers[all: "content-length"].first {
            guard Int(length) == request.body.count else { fatalError("Content-Length \(length) but body of \(request.body.count)") }
        }
    }

    static func summary(_ request: HTTPRequest, keepAlive: Bool) -> String {
        "\(request.method) \(request.target) \(request.version.rawValue) \(request.headers.fields.map { "\($0.name): \($0.value)" }) body=\(request.body.count):\(request.body.hashValue) keepAlive=\(keepAlive)"
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}

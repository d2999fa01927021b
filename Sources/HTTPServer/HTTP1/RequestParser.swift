// The incremental HTTP/1.1 request parser: bytes in, complete requests out (RFC 9112).

/// A value-type state machine that turns the bytes of one HTTP/1.1 connection into complete
/// requests. Owned by that connection and used only on its event-loop thread.
///
/// The caller `append`s what it read, then calls `next()` until `.needMore`; several pipelined
/// requests may come out of one read. A `.failure` is terminal: the caller answers its status
/// and closes.
///
/// Deliberately not done here: no I/O, no timers (the caller runs the 10 s request timer while
/// `isMidRequest`), no routing, no content-type checks, no transfer codings other than
/// `chunked`, no decoding of the target beyond reducing absolute-form to path and query.
package struct RequestParser {
    /// What `next()` found in the buffered bytes.
    package enum Event: Equatable {
        /// The buffered bytes hold no complete request yet.
        case needMore
        /// The head carried `Expect: 100-continue` and the body is not complete yet: write
        /// `ResponseEncoder.continueResponse` now (RFC 9110 §10.1.1). At most once per request.
        case continueExpected
        /// One complete request; `keepAlive` is false for HTTP/1.0 or `Connection: close`.
        case request(HTTPRequest, keepAlive: Bool)
        /// Terminal: every later `next()` returns the same failure.
        case failure(HTTPParseError)

        package static func == (lhs: Event, rhs: Event) -> Bool {
            switch (lhs, rhs) {
            case (.needMore, .needMore), (.continueExpected, .continueExpected):
                return true
            case let (.request(a, keepAliveA), .request(b, keepAliveB)):
                return keepAliveA == keepAliveB && a.method == b.method && a.target == b.target
                    && a.version == b.version && a.headers == b.headers && a.body == b.body
            case let (.failure(a), .failure(b)):
                return a == b
            default:
                return false
            }
        }
    }

    /// Where in a request the parser stands.
    enum State {
        case requestLine
        case headerLines
        case fixedBody(length: Int)
        case chunkSize
        case chunkData(size: Int)
        case trailerLines
        case failed(HTTPParseError)
    }

    /// One line found in the buffer: its content without the line ending, the index just past
    /// its LF, and whether the LF was preceded by CR.
    enum LineScan {
        case incomplete
        case line(content: Range<Int>, next: Int, endsWithCRLF: Bool)
    }

    /// A chunk-size line (size, extensions, CRLF) longer than this is refused (RFC 9112 §7.1.1
    /// lets a recipient limit extensions).
    static let maxChunkLineBytes = 4096

    let limits: HTTP1Limits
    /// Received bytes; `buffer[readIndex...]` are not consumed yet.
    var buffer: [UInt8] = []
    var readIndex = 0
    /// Where the next LF scan resumes, so that a line arriving byte by byte is scanned once.
    var scanFrom = 0
    var state: State = .requestLine
    /// The head of the request being parsed.
    var head = RequestHead()
    /// Where the current request's header field lines start in `buffer`. From there on the
    /// buffer is kept (see `compact`) while the fields are parsed and a Content-Length body
    /// arrives, so that `fieldSpans`, counted from here, stay valid.
    var fieldsBase = 0
    /// The current request's header fields as byte ranges, counted from `fieldsBase` (or into
    /// `head.ownedFieldBytes`). Handed to the request and reused by the next one when the request
    /// has been dropped by then, so a keep-alive request allocates no list of its own.
    var fieldSpans: [HTTPHeaders.FieldSpan] = []
    /// The body received so far (chunked) or the whole body (Content-Length). Kept after the
    /// request is handed out and reused by the next one (as `fieldSpans` is): callgrind, a new
    /// array per 3.6 KB body (allocate, free) cost ~650 instructions per keep-alive request.
    var body: [UInt8] = []
    /// Bytes of the request line, header fields and trailer fields of the current request.
    var headBytes = 0
    var continueSent = false

    package init(limits: HTTP1Limits) {
        self.limits = limits
    }

    /// True while some bytes of an incomplete request are buffered or being assembled.
    package var isMidRequest: Bool {
        switch state {
        case .failed: return false
        case .requestLine: return readIndex < buffer.count
        default: return true
        }
    }

    /// Bytes received and not consumed yet.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    /// Buffers bytes just read from the connection. Ignored after a failure.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = state { return }
        guard !bytes.isEmpty else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next event the buffered bytes allow.
    package mutating func next() -> Event {
        if case .failed(let error) = state { return .failure(error) }
        let storage = buffer  // shares storage; keeps the bytes alive while `self` changes
        return storage.withUnsafeBytes { raw in step(raw) }
    }

    // MARK: - The state machine

    mutating func step(_ raw: UnsafeRawBufferPointer) -> Event {
        while true {
            switch state {
            case .requestLine:
                switch scanLine(raw) {
                case .incomplete:
                    if raw.count &- readIndex > limits.maxHeaderBytes { return tooLargeHead() }
                    return .needMore
                case let .line(content, next, endsWithCRLF):
                    if content.isEmpty && endsWithCRLF {
                        consume(to: next)  // RFC 9112 §2.2: ignore empty lines before the request line
                        continue
                    }
                    headBytes = next &- readIndex
                    if headBytes > limits.maxHeaderBytes { return tooLargeHead() }
                    if !endsWithCRLF { return fail(.badRequest("bare LF in request head")) }
                    consume(to: next)
                    fieldsBase = next
                    if let error = parseRequestLine(raw, content) { return fail(error) }
                    state = .headerLines
                }

            case .headerLines, .trailerLines:
                let isTrailer: Bool
                if case .trailerLines = state { isTrailer = true } else { isTrailer = false }
                switch scanLine(raw) {
                case .incomplete:
                    if headBytes &+ (raw.count &- readIndex) > limits.maxHeaderBytes { return tooLargeHead() }
                    return isTrailer ? waitForBody() : .needMore
                case let .line(content, next, endsWithCRLF):
                    headBytes &+= next &- readIndex
                    if headBytes > limits.maxHeaderBytes { return tooLargeHead() }
                    if !endsWithCRLF { return fail(.badRequest("bare LF in request head")) }
                    consume(to: next)
                    if content.isEmpty {
                        if isTrailer { return complete() }
                        if let error = finishHead() { return fail(error) }
                    } else if let error = parseFieldLine(raw, content, store: !isTrailer) {
                        return fail(error)
                    }
                }

            case .fixedBody(let length):
                guard raw.count &- readIndex >= length else { return waitForBody() }
                // Into the previous request's body array, emptied by `parseRequestLine`: no
                // allocation when that request has been dropped (see `complete`).
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[readIndex..<(readIndex &+ length)]))
                consume(to: readIndex &+ length)
                return complete()

            case .chunkSize:
                if let event = stepChunkSize(raw) { return event }

            case .chunkData(let size):
                if let event = stepChunkData(raw, size: size) { return event }

            case .failed(let error):
                return .failure(error)
            }
        }
    }

    /// Finds the next line starting at `readIndex`, resuming the LF scan where the last one
    /// stopped. A line must end in CRLF (RFC 9112 §2.2); a bare LF is reported so the caller can
    /// refuse it, and a bare CR is refused by the callers' byte checks.
    mutating func scanLine(_ raw: UnsafeRawBufferPointer) -> LineScan {
        let from = scanFrom > readIndex ? scanFrom : readIndex
        guard let lf = HTTP1Syntax.indexOfLF(in: raw, from: from) else {
            scanFrom = raw.count
            return .incomplete
        }
        let endsWithCRLF = lf > readIndex && raw[lf &- 1] == HTTP1Syntax.cr
        let contentEnd = endsWithCRLF ? lf &- 1 : lf
        return .line(content: readIndex..<contentEnd, next: lf &+ 1, endsWithCRLF: endsWithCRLF)
    }

    mutating func consume(to index: Int) {
        readIndex = index
        scanFrom = index
    }

    /// While a body is incomplete: the one-time 100-continue, else `.needMore`.
    mutating func waitForBody() -> Event {
        if head.expectsContinue && !continueSent {
            continueSent = true
            return .continueExpected
        }
        return .needMore
    }

    /// Hands out the finished request and resets for the next one.
    mutating func complete() -> Event {
        let keepAlive = head.version == .http1_1 && !head.connectionClose
        let headers = if let owned = head.ownedFieldBytes {
            HTTPHeaders(bytes: owned, base: 0, spans: fieldSpans)
        } else {
            HTTPHeaders(bytes: buffer, base: fieldsBase, spans: fieldSpans)
        }
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: headers, body: body)
        head = RequestHead()
        // A large body's allocation goes with its request rather than stay with the connection.
        if body.capacity > 65536 { body = [] }
        headBytes = 0
        continueSent = false
        state = .requestLine
        return .request(request, keepAlive: keepAlive)
    }

    mutating func tooLargeHead() -> Event {
        fail(HTTPParseError(status: 431, message: "request header fields too large"))
    }

    /// Enters the terminal state and drops everything buffered.
    mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        buffer = []
        body = []
        head = RequestHead()
        fieldSpans = []
        readIndex = 0
        scanFrom = 0
        fieldsBase = 0
        return .failure(error)
    }

    /// Whether `buffer[fieldsBase...]` must be kept: the header fields of the request in
    /// progress are there, read by `complete()`. A chunked body is not waited for with them
    /// pinned (its framing could make the buffer grow far past the body limit): `finishHead`
    /// copies them out first.
    var pinsFields: Bool {
        switch state {
        case .headerLines, .fixedBody: return head.ownedFieldBytes == nil
        default: return false
        }
    }

    /// Drops consumed bytes once they make up at least half the buffer, so each byte is moved
    /// at most a bounded number of times (amortised O(1)). The header fields of the request in
    /// progress are kept (`pinsFields`); they are at most `maxHeaderBytes`.
    mutating func compact() {
        let keep = pinsFields ? fieldsBase : readIndex
        guard keep > 0 else { return }
        if keep >= buffer.count {
            // Keep a modest allocation for the next request; give back a large body's.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 65536)
            readIndex = 0
            scanFrom = 0
            fieldsBase = 0
        } else if keep >= buffer.count / 2 {
            buffer.removeSubrange(0..<keep)
            readIndex &-= keep
            scanFrom = scanFrom > keep ? scanFrom &- keep : 0
            fieldsBase = fieldsBase > keep ? fieldsBase &- keep : 0
        }
    }
}

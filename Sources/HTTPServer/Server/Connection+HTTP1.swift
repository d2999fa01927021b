// HTTP/1.1 on a connection: parse buffered bytes, route each request, encode responses in order.

extension Connection {
    /// Answers every complete request buffered, in order (pipelining), until the parser needs
    /// more bytes, the connection is to close, or unwritten output passes the high-water mark.
    func processHTTP1() {
        // `loop` is unowned: each use took and dropped a strong reference, four per request.
        let loop = self.loop
        while !closeAfterFlush && pendingOutputCount < Self.outputHighWater && phase == .http1 {
            switch parser.next() {
            case .needMore:
                return
            case .continueExpected:
                // server.md: `Expect: 100-continue` is answered at once (RFC 9110 §10.1.1).
                output.append(contentsOf: ResponseEncoder.continueResponse)
            case .request(let request, let keepAlive):
                let receivedAt = monotonicNanoseconds()
                let router = isTLS ? loop.tlsRouter : loop.plainRouter
                let response = router.respond(to: request, receivedAt: receivedAt, remoteAddress: peer)
                let keep = keepAlive && !shuttingDown && !loop.state.isDraining.load(ordering: .relaxed)
                ResponseEncoder.encode(response, keepAlive: keep, date: loop.httpDate(), headOnly: request.method == "HEAD", into: &output)
                loop.countRequest(protocol: request.version, code: response.status)
                if !keep { closeAfterFlush = true }
            case .failure(let error):
                respondAndClose(HTTPResponse.error(error.status, error.message))
            }
        }
    }

    /// Queues `response` with `Connection: close` and closes once it is written.
    func respondAndClose(_ response: HTTPResponse) {
        ResponseEncoder.encode(response, keepAlive: false, date: loop.httpDate(), into: &output)
        loop.countRequest(protocol: .http1_1, code: response.status)
        closeAfterFlush = true
    }
}

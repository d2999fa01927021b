// HTTP/2 on a connection: feed the nghttp2 session, route completed streams, drain frames.

extension Connection {
    /// Feeds decrypted bytes to the session and answers every stream that completed.
    func receiveHTTP2(_ bytes: UnsafeRawBufferPointer) {
        guard let session = http2 else { return }
        if !session.receive(bytes) {
            // A connection error: nghttp2 queued GOAWAY; write it and close.
            _ = withOutput { session.drainOutput(into: &$0) }
            closeAfterFlush = true
            return
        }
        serviceHTTP2()
    }

    /// Routes completed requests, then moves every frame nghttp2 wants to send to the output.
    func serviceHTTP2() {
        guard let session = http2 else { return }
        let completed = session.takeCompletedRequests()
        if !completed.isEmpty {
            let router = isTLS ? loop.tlsRouter : loop.plainRouter
            for (stream, request) in completed {
                let response = router.respond(to: request, receivedAt: monotonicNanoseconds(), remoteAddress: peer)
                session.respond(stream: stream, with: response)
                loop.countRequest(protocol: .h2, code: response.status)
            }
            http2ProgressAt = monotonicNanoseconds()
        }
        if !withOutput({ session.drainOutput(into: &$0) }) || session.isFinished {
            closeAfterFlush = true
        }
    }
}

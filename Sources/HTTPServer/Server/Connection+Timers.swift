// Deadlines of a connection (handshake, request, idle) and its part in graceful shutdown.

extension Connection {
    func setDeadline(_ kind: DeadlineKind, _ at: Int64) {
        deadlineKind = kind
        deadline = at
    }

    /// Re-arms the deadline after progress: a request in progress has `requestTimeout` from
    /// its first byte; an idle connection has `idleTimeout` from now.
    func updateDeadline(now: Int64) {
        guard deadlineKind != .closing else { return }
        let configuration = loop.configuration
        switch phase {
        case .http1:
            if parser?.isMidRequest == true {
                if deadlineKind != .request { setDeadline(.request, now &+ configuration.requestTimeout.nanoseconds) }
            } else {
                setDeadline(.idle, now &+ configuration.idleTimeout.nanoseconds)
            }
        case .http2:
            if let session = http2, session.activeStreamCount > 0 {
                if deadlineKind != .request { http2ProgressAt = now }
                setDeadline(.request, http2ProgressAt &+ configuration.requestTimeout.nanoseconds)
            } else {
                setDeadline(.idle, now &+ configuration.idleTimeout.nanoseconds)
            }
        case .handshaking, .closed:
            break
        }
    }

    func checkTimers(now: Int64) {
        guard now >= deadline, phase != .closed else { return }
        switch deadlineKind {
        case .handshake:
            loop.state.metrics.handshakeErrors.increment()
            close()
        case .idle, .closing:
            close()
        case .request:
            // server.md: 408 and close when a request is not complete within the limit.
            setDeadline(.closing, now &+ 1_000_000_000)
            if phase == .http1 {
                respondAndClose(HTTPResponse.error(408, "request not complete within \(Int(loop.configuration.requestTimeout)) s"))
            } else if let session = http2 {
                session.startGracefulShutdown()
                _ = withOutput { session.drainOutput(into: &$0) }
                closeAfterFlush = true
            }
            flush()
            if pendingOutputCount == 0 { close() }
        }
    }

    /// Shutdown after the delay: idle connections close now; busy ones finish the request in
    /// progress and close (HTTP/1.1 with `Connection: close`, h2 after GOAWAY).
    func beginShutdown() {
        shuttingDown = true
        switch phase {
        case .handshaking:
            close()
        case .http1:
            if parser?.isMidRequest != true && pendingOutputCount == 0 {
                close()
            } else {
                drive()
            }
        case .http2:
            http2?.startGracefulShutdown()
            serviceHTTP2()
            drive()
        case .closed:
            break
        }
    }
}

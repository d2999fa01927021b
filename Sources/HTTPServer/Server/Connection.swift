// One accepted connection: TLS handshake, reads, buffered writes, timers and close.
#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// One client connection, owned by the event loop that accepted it and used only on that
/// loop's thread. It moves bytes between the socket (through TLS on the webhook port) and the
/// protocol state (`RequestParser` for HTTP/1.1, `HTTP2Session` for h2), runs the router for
/// each complete request and enforces the handshake, request and idle deadlines. It does not
/// interpret bodies.
final class Connection: Channel {
    enum Phase { case handshaking, http1, http2, closed }
    enum DeadlineKind { case handshake, request, idle, closing }

    let fd: Int32
    let peer: String
    let isTLS: Bool
    unowned let loop: EventLoop

    var phase: Phase = .handshaking
    var tls: TLSConnection?
    // `parser` and `output` need no run-time exclusivity checks (swift_beginAccess): they are
    // only ever moved out and back (`withParser`, `withOutput`) or read, so the compiler
    // proves every access to them exclusive. Turning the checks off instead
    // (`@exclusivity(unchecked)`) would make an overlapping access, should a later change
    // introduce one, silent memory corruption instead of a stop.
    /// The HTTP/1.1 parser; nil only while `withParser` has it out.
    var parser: RequestParser?
    var http2: HTTP2Session?

    /// Bytes waiting to be written: `output[outputStart...]`. Changed only through
    /// `withOutput`, or by assigning it whole.
    var output: [UInt8] = []
    var outputStart = 0
    var pendingOutputCount: Int { output.count &- outputStart }
    /// Above this much unwritten output the connection stops reading and parsing (backpressure).
    static let outputHighWater = 256 * 1024

    /// After the pending output is written, close (error, `Connection: close`, EOF, shutdown).
    var closeAfterFlush = false
    var shuttingDown = false
    private var wantsWritable = false
    private var interest: UInt32 = 0
    /// Queued with the loop to be flushed at the end of the current wake-up.
    var isFlushQueued = false
    var deadline: Int64 = .max
    var deadlineKind: DeadlineKind = .idle
    /// For h2: when the oldest unfinished stream work began, reset on each completed request.
    var http2ProgressAt: Int64 = 0

    init(fd: Int32, peer: String, isTLS: Bool, loop: EventLoop) {
        self.fd = fd
        self.peer = peer
        self.isTLS = isTLS
        self.loop = loop
        self.parser = RequestParser(limits: HTTP1Limits(maxHeaderBytes: loop.configuration.maxHeaderBytes, maxBodyBytes: loop.configuration.maxBodyBytes))
    }

    /// Registers with the loop and, on the TLS port, sets up the TLS session. False: close it.
    func start() -> Bool {
        let now = monotonicNanoseconds()
        if isTLS {
            guard let context = loop.state.tlsContext, let session = try? TLSConnection(context: context, fd: fd) else {
                loop.state.metrics.handshakeErrors.increment()
                return false
            }
            tls = session
            phase = .handshaking
            setDeadline(.handshake, now &+ loop.configuration.handshakeTimeout.nanoseconds)
        } else {
            phase = .http1
            setDeadline(.idle, now &+ loop.configuration.idleTimeout.nanoseconds)
        }
        interest = UInt32(EPOLLIN.rawValue)
        return loop.register(self, events: interest)
    }

    // MARK: - Events

    func handle(events: UInt32) {
        if events & UInt32(EPOLLERR.rawValue) != 0 {
            close()
            return
        }
        if events & UInt32(EPOLLHUP.rawValue) != 0 && (closeAfterFlush || pendingOutputCount >= Self.outputHighWater) {
            close()
            return
        }
        drive()
    }

    /// Makes all the progress possible without blocking, then updates epoll interest.
    func drive() {
        if phase == .handshaking {
            handshake()
            guard phase == .http1 || phase == .http2 else { return }
        }
        flush()
        // Requests left buffered (output over the high-water mark): answer them first. With
        // nothing buffered the parser has nothing to hand out (it hands out each event as soon as
        // the bytes allow), so the call is skipped: callgrind, ~380 instructions per keep-alive
        // request (a call that found .needMore).
        if phase == .http1, (parser?.bufferedByteCount ?? 0) > 0 { processHTTP1() }
        if !closeAfterFlush && pendingOutputCount < Self.outputHighWater && phase != .closed {
            readAvailable()
        }
        if loop.defersFlushes {
            // Answer after every connection of this wake-up has been read and served (see
            // `EventLoop.defersFlushes`); the loop calls `finishDrive` then.
            if !isFlushQueued && phase != .closed {
                isFlushQueued = true
                loop.deferFlush(of: self)
            }
            return
        }
        finishDrive()
    }

    /// Writes what `drive` produced, closes a finished connection, updates epoll interest
    /// and the deadline.
    func finishDrive() {
        isFlushQueued = false
        guard phase != .closed else { return }
        flush()
        guard phase != .closed else { return }
        if closeAfterFlush && pendingOutputCount == 0 {
            close()
            return
        }
        updateInterest()
        updateDeadline(now: monotonicNanoseconds())
    }

    private func handshake() {
        guard let tls else { close(); return }
        switch tls.handshake() {
        case .done:
            if tls.alpnProtocol == "h2", let session = try? HTTP2Session(settings: HTTP2Settings(maxBodyBytes: loop.configuration.maxBodyBytes)) {
                http2 = session
                phase = .http2
                http2ProgressAt = monotonicNanoseconds()
                if !withOutput({ session.drainOutput(into: &$0) }) { closeAfterFlush = true }
            } else if tls.alpnProtocol == "h2" {
                close()
                return
            } else {
                phase = .http1
            }
            setDeadline(.idle, monotonicNanoseconds() &+ loop.configuration.idleTimeout.nanoseconds)
            drive()
        case .wantRead:
            setInterest(read: true, write: false)
        case .wantWrite:
            setInterest(read: true, write: true)
        case .closed:
            // The peer hung up mid-handshake (a TCP probe, a load balancer check): not an error.
            close()
        case .failed:
            loop.state.metrics.handshakeErrors.increment()
            close()
        }
    }

    // MARK: - Reading

    private func readAvailable() {
        let buffer = loop.readBuffer
        var reads = 0
        // Bytes held inside OpenSSL do not wake epoll: keep reading while there are any.
        while reads < 16 || tls?.hasBufferedInput == true {
            reads &+= 1
            switch readBytes(into: buffer) {
            case .done(let count):
                guard count > 0 else { continue }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                switch phase {
                case .http1:
                    processHTTP1(appending: bytes)
                case .http2:
                    receiveHTTP2(bytes)
                default:
                    return
                }
                if closeAfterFlush || phase == .closed || pendingOutputCount >= Self.outputHighWater { return }
                // epoll is level-triggered, so it reports the socket again if more is there:
                // stop once nothing is buffered (TLS) or the read came up short (plain TCP)
                // rather than spend a recv on EAGAIN per request. Guessing wrong costs one
                // epoll_wait, never a stall.
                if let tls {
                    if !tls.hasBufferedInput { return }
                } else if count < buffer.count {
                    return
                }
            case .wantRead:
                return
            case .wantWrite:
                wantsWritable = true
                return
            case .closed:
                // The peer finished sending: answer what is complete, then close.
                if phase == .http2 { http2?.startGracefulShutdown() }
                closeAfterFlush = true
                return
            case .failed:
                close()
                return
            }
        }
    }

    private func readBytes(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        if let tls { return tls.read(into: buffer) }
        do {
            switch try Socket.read(fd, into: buffer) {
            case .processed(0): return .closed
            case .processed(let n): return .done(n)
            case .wouldBlock: return .wantRead
            }
        } catch {
            return .failed(error.description)
        }
    }

    // MARK: - Writing

    /// Writes as much pending output as the socket takes.
    func flush() {
        wantsWritable = false
        while outputStart < output.count, phase != .closed {
            let start = outputStart
            let result = withOutput { output in
                output.withUnsafeBytes { raw in writeBytes(UnsafeRawBufferPointer(rebasing: raw[start...])) }
            }
            switch result {
            case .done(let n):
                outputStart &+= n
            case .wantWrite:
                wantsWritable = true
                compactOutput()
                return
            case .wantRead:
                compactOutput()
                return
            case .closed, .failed:
                close()
                return
            }
        }
        if outputStart >= output.count {
            if output.capacity > 1 << 20 { output = [] } else { withOutput { $0.removeAll(keepingCapacity: true) } }
            outputStart = 0
        }
    }

    /// Runs `body` with `output` moved out of the connection, then moves it back: every access
    /// to the stored `output` is then a move or a read with nothing called inside it, which the
    /// compiler proves exclusive when it builds the module, so it emits no run-time checks
    /// (swift_beginAccess, ~78 instructions each, ~10 per keep-alive request) because no
    /// overlapping access can exist, not because they are switched off. Callgrind, keep-alive
    /// /mutate: 95,332 -> 94,585 instructions per request.
    /// `body` must not reach `self.output` (it would find it empty); nothing it calls does.
    @inline(__always)
    func withOutput<R>(_ body: (inout [UInt8]) -> R) -> R {
        var taken: [UInt8] = []
        swap(&taken, &output)
        let result = body(&taken)
        swap(&taken, &output)
        return result
    }

    private func compactOutput() {
        if outputStart > 64 * 1024 && outputStart > output.count / 2 {
            let start = outputStart
            withOutput { $0.removeFirst(start) }
            outputStart = 0
        }
    }

    private func writeBytes(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        if let tls { return tls.write(bytes) }
        do {
            switch try Socket.write(fd, bytes) {
            case .processed(let n): return .done(n)
            case .wouldBlock: return .wantWrite
            }
        } catch {
            return .failed(error.description)
        }
    }

    private func updateInterest() {
        let read = !closeAfterFlush && pendingOutputCount < Self.outputHighWater
        setInterest(read: read, write: wantsWritable || pendingOutputCount > 0)
    }

    private func setInterest(read: Bool, write: Bool) {
        var mask: UInt32 = 0
        if read { mask |= UInt32(EPOLLIN.rawValue) }
        if write { mask |= UInt32(EPOLLOUT.rawValue) }
        guard mask != interest, phase != .closed else { return }
        interest = mask
        do { try loop.epoll.modify(fd, events: mask) } catch { close() }
    }

    // MARK: - Close

    func close() {
        guard phase != .closed else { return }
        let wasEstablished = phase == .http1 || phase == .http2
        phase = .closed
        loop.deregister(self)
        if wasEstablished { tls?.shutdown() }
        tls = nil
        http2 = nil
        Socket.close(fd)
        if isTLS {
            let open = loop.state.openConnections.wrappingSubtract(1, ordering: .relaxed).newValue
            loop.state.metrics.connectionsOpen.record(open)
        }
    }
}

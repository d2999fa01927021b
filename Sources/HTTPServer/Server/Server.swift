// The server: binds listeners, starts one event loop per thread, reloads certificates, shuts down on a signal.
#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Logging

/// The transport as a whole. Created and driven by the main thread: `start()` binds and
/// spawns the event loops, `runUntilStopped` then waits for SIGTERM/SIGINT on the calling
/// thread (polling certificate files between signals) and performs the graceful shutdown of
/// server.md. It answers /livez and /readyz itself; everything else goes to the routers it is
/// given. It knows nothing of Kubernetes.
public final class Server {
    public let configuration: ServerConfiguration
    private let logger: Logger
    package let state: ServerState
    private let reloader: CertificateReloader
    private var loops: [EventLoop] = []
    private var threads: [pthread_t] = []
    private let tlsRouter: Router
    private let plainRouter: Router

    /// The bound TLS ports (the real ones when `:0` was asked for), after `start()`.
    public private(set) var boundPorts: [Int] = []
    /// The bound metrics port, after `start()`.
    public private(set) var metricsPort: Int?

    public init(configuration: ServerConfiguration, tlsContext: TLSContext, routes: Router, metricsRoutes: Router, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let state = ServerState(context: tlsContext, loops: max(configuration.threads, 1))
        self.state = state
        self.reloader = CertificateReloader(configuration: configuration.tls, current: tlsContext)
        state.metrics.certificateNotAfter.record(tlsContext.certificateNotAfter)
        self.tlsRouter = Self.withProbes(routes, state: state)
        self.plainRouter = Self.withProbes(metricsRoutes, state: state)
    }

    private static func withProbes(_ routes: Router, state: ServerState) -> Router {
        var router = routes
        router.add(method: "GET", path: "/livez") { _, _ in
            state.isLive() ? .text(200, "ok\n") : .error(503, "an event loop has stalled")
        }
        router.add(method: "GET", path: "/readyz") { _, _ in
            if state.isReady { return .text(200, "ok\n") }
            return .error(503, state.isDraining.load(ordering: .relaxed) ? "shutting down" : "not ready")
        }
        return router
    }

    // MARK: - Start

    /// Binds every listener and starts the event-loop threads. Throws a one-line error for a
    /// bad or busy address.
    public func start() throws(ServerError) {
        // Signals are taken by `runUntilStopped` with sigtimedwait; block them before any
        // thread exists so every thread inherits the mask.
        var set = Self.shutdownSignals()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)

        let count = max(configuration.threads, 1)
        do {
            for index in 0..<count {
                loops.append(try EventLoop(index: index, state: state, configuration: configuration, tlsRouter: tlsRouter, plainRouter: plainRouter, logger: logger))
            }
        } catch {
            throw ServerError("cannot create event loop: \(error)")
        }
        for text in configuration.listen {
            let descriptors = try bind(text, copies: count)
            for (loop, fd) in zip(loops, descriptors) {
                loop.adopt(listener: Listener(fd: fd, isTLS: true, loop: loop))
            }
        }
        if let text = configuration.metricsListen {
            let descriptors = try bind(text, copies: 1, isMetrics: true)
            for fd in descriptors { loops[0].adopt(listener: Listener(fd: fd, isTLS: false, loop: loops[0])) }
        }
        for loop in loops {
            threads.append(try spawn(loop))
        }
        state.isAccepting.store(true, ordering: .relaxed)
        logger.info("listening", metadata: [
            "tls_ports": "\(boundPorts)", "metrics_port": "\(metricsPort.map(String.init) ?? "off")",
            "threads": "\(count)", "http2": "\(configuration.http2)",
            "certificate_serial": "\(state.tlsContext?.certificateSerial ?? "")",
        ])
    }

    /// Binds `copies` SO_REUSEPORT listeners on one address (the first picks the port for `:0`).
    private func bind(_ text: String, copies: Int, isMetrics: Bool = false) throws(ServerError) -> [Int32] {
        var address: SocketAddress
        do { address = try SocketAddress.parse(text) } catch { throw ServerError(error.description) }
        var descriptors: [Int32] = []
        do {
            // SO_REUSEPORT would let a second server on this machine share the port silently;
            // a probe bound without it fails with EADDRINUSE if anyone holds the port.
            let probe = try Socket.listen(on: address, reusePort: false, backlog: 1)
            if address.port == 0 { address.setPort(try Socket.localAddress(of: probe).port) }
            Socket.close(probe)
            for _ in 0..<copies {
                let fd = try Socket.listen(on: address, reusePort: true)
                descriptors.append(fd)
                if address.port == 0 { address.setPort(try Socket.localAddress(of: fd).port) }
            }
        } catch {
            for fd in descriptors { Socket.close(fd) }
            throw ServerError("cannot listen on \(text): \(String(cString: strerror(error.errno)))")
        }
        if isMetrics { metricsPort = Int(address.port) } else { boundPorts.append(Int(address.port)) }
        return descriptors
    }

    private func spawn(_ loop: EventLoop) throws(ServerError) -> pthread_t {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(loop).toOpaque()
        let rc = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let loop = Unmanaged<EventLoop>.fromOpaque(argument).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<EventLoop>.fromOpaque(box).release()
            throw ServerError("cannot start event-loop thread: \(String(cString: strerror(rc)))")
        }
        return thread
    }

    private static func shutdownSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    // MARK: - Run and shut down

    /// Blocks until SIGTERM or SIGINT has been handled, polling certificates every
    /// `reloadInterval` and calling `periodic` about once a second (the executable reloads
    /// its configuration there). Returns once the graceful shutdown is complete.
    public func runUntilStopped(periodic: () -> Void = {}) {
        var nextReload = monotonicNanoseconds() &+ configuration.reloadInterval.nanoseconds
        var nextPeriodic = monotonicNanoseconds()
        while true {
            if waitForSignal(milliseconds: 200) != nil { break }
            let now = monotonicNanoseconds()
            if now >= nextReload {
                nextReload = now &+ configuration.reloadInterval.nanoseconds
                pollCertificates()
            }
            if now >= nextPeriodic {
                nextPeriodic = now &+ 1_000_000_000
                periodic()
            }
        }
        shutDown()
    }

    /// Reloads the certificate if its files changed; a bad new pair keeps the old one.
    public func pollCertificates() {
        switch reloader.poll() {
        case .unchanged:
            break
        case .reloaded(let context):
            state.tlsContext = context
            state.metrics.certificateNotAfter.record(context.certificateNotAfter)
            state.metrics.certificateReload(result: "success")
            logger.info("certificate reloaded", metadata: ["certificate_serial": "\(context.certificateSerial)"])
        case .failed(let error):
            state.metrics.certificateReload(result: "failure")
            logger.error("certificate reload failed; keeping the previous certificate", metadata: ["error": "\(error.description)"])
        }
    }

    private func waitForSignal(milliseconds: Int) -> Int32? {
        var set = Self.shutdownSignals()
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        let signo = sigtimedwait(&set, nil, &timeout)
        return signo > 0 ? signo : nil
    }

    private func shutDown() {
        logger.info("shutdown: draining", metadata: ["delay_seconds": "\(configuration.shutdownDelay)"])
        state.isDraining.store(true, ordering: .relaxed)
        // Keep serving (with `Connection: close`) while endpoints drop this pod; a second
        // signal cuts the delay short.
        let delayEnd = monotonicNanoseconds() &+ configuration.shutdownDelay.nanoseconds
        while monotonicNanoseconds() < delayEnd {
            let left = (delayEnd &- monotonicNanoseconds()) / 1_000_000
            if waitForSignal(milliseconds: Int(max(1, min(left, 200)))) != nil { break }
        }
        state.isAccepting.store(false, ordering: .relaxed)
        for loop in loops { loop.execute { $0.stopAccepting() } }
        logger.info("shutdown: listeners closed, waiting for in-flight requests", metadata: ["timeout_seconds": "\(configuration.shutdownTimeout)"])
        let deadline = monotonicNanoseconds() &+ configuration.shutdownTimeout.nanoseconds
        while state.openConnections.load(ordering: .relaxed) > 0 && monotonicNanoseconds() < deadline {
            if waitForSignal(milliseconds: 20) != nil { break }
        }
        let left = state.openConnections.load(ordering: .relaxed)
        for loop in loops { loop.execute { $0.stop() } }
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
        loops.removeAll()
        logger.info("shutdown complete", metadata: ["connections_cut": "\(left)"])
    }
}

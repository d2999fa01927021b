// A listening socket registered with one event loop: accepts and applies the connection cap.
#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// One listening descriptor owned by one event loop (with SO_REUSEPORT each loop has its own
/// listener on the same port). Accepts in batches; beyond `--max-connections` it closes new
/// connections at once and counts them. On EMFILE/ENFILE it stops watching itself for 100 ms
/// instead of spinning. It does not read from connections.
final class Listener: Channel {
    let fd: Int32
    let isTLS: Bool
    unowned let loop: EventLoop
    private var pausedUntil: Int64?
    private var closed = false

    init(fd: Int32, isTLS: Bool, loop: EventLoop) {
        self.fd = fd
        self.isTLS = isTLS
        self.loop = loop
    }

    func handle(events: UInt32) {
        for _ in 0..<64 {
            let accepted: IOResult<(fd: Int32, peer: SocketAddress)>
            do {
                accepted = try Socket.accept(fd)
            } catch {
                if error.errno == EMFILE || error.errno == ENFILE || error.errno == ENOBUFS || error.errno == ENOMEM {
                    loop.logger.warning("accept paused: out of descriptors or memory", metadata: ["error": "\(error)"])
                    loop.epoll.remove(fd)
                    pausedUntil = monotonicNanoseconds() &+ 100_000_000
                } // ECONNABORTED and the like: the peer left before we accepted; go on.
                return
            }
            guard case .processed(let (clientFD, peer)) = accepted else { return }
            if isTLS {
                let open = loop.state.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
                if open > loop.configuration.maxConnections {
                    loop.state.openConnections.wrappingSubtract(1, ordering: .relaxed)
                    loop.state.metrics.connectionsRejected.increment()
                    Socket.close(clientFD)
                    continue
                }
                loop.state.metrics.connectionsOpen.record(open)
            }
            let connection = Connection(fd: clientFD, peer: peer.host, isTLS: isTLS, loop: loop)
            if !connection.start() {
                connection.close()
            }
        }
    }

    func checkTimers(now: Int64) {
        if let until = pausedUntil, now >= until, !closed {
            pausedUntil = nil
            try? loop.epoll.add(fd, events: UInt32(EPOLLIN.rawValue))
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Socket.close(fd)
    }
}

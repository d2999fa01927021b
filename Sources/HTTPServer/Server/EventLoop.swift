// One epoll loop on its own thread: accepts, reads, writes and times out its connections.
#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Logging
import Metrics
import Synchronization

/// Something registered with a loop's epoll set. Used only on that loop's thread.
protocol Channel: AnyObject {
    var fd: Int32 { get }
    func handle(events: UInt32)
    /// Called about every 250 ms with the loop's monotonic time.
    func checkTimers(now: Int64)
}

/// An event loop: one thread, one epoll set, the listeners and connections it owns. All its
/// state is touched only on its thread; other threads talk to it through `execute`, which
/// queues a closure and wakes the loop. It does not parse HTTP (connections do) and it does
/// not know what a request means (the router does).
final class EventLoop: @unchecked Sendable {
    let index: Int
    let epoll: Epoll
    let state: ServerState
    let configuration: ServerConfiguration
    let logger: Logger
    let tlsRouter: Router
    let plainRouter: Router

    private var channels: [Channel?] = []
    private(set) var connectionCount = 0
    private var listeners: [Listener] = []
    private var running = true
    private var nextTimerCheck: Int64 = 0
    private let tasks = Mutex<[@Sendable (EventLoop) -> Void]>([])

    /// A read buffer shared by every connection of this loop (used only inside one read call).
    let readBuffer: UnsafeMutableRawBufferPointer
    private var cachedDateSecond = -1
    private(set) var cachedDate = ""
    /// `http_requests_total` by protocol and code, in the order first seen. A short list
    /// compared in order: nearly every request has the key of the first entry. The dictionary
    /// lookup it replaces (hashing the key) cost ~190 instructions per request (callgrind).
    private var requestCounters: [(key: Int, counter: Counter)] = []

    init(index: Int, state: ServerState, configuration: ServerConfiguration, tlsRouter: Router, plainRouter: Router, logger: Logger) throws(SystemError) {
        self.index = index
        self.epoll = try Epoll()
        self.state = state
        self.configuration = configuration
        self.tlsRouter = tlsRouter
        self.plainRouter = plainRouter
        self.logger = logger
        self.readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    // MARK: - Thread entry

    /// Runs until `stop()`; the body of the loop's thread.
    func run() {
        while running {
            defersFlushes = true
            epoll.wait(timeoutMilliseconds: 250) { fd, events in
                if fd == epoll.wakeFD {
                    runTasks()
                } else if fd >= 0, fd < channels.count, let channel = channels[Int(fd)] {
                    channel.handle(events: events)
                }
            }
            defersFlushes = false
            flushDeferred()
            let now = monotonicNanoseconds()
            state.heartbeats[index].value.store(now, ordering: .relaxed)
            if now >= nextTimerCheck {
                nextTimerCheck = now &+ 250_000_000
                for channel in channels { channel?.checkTimers(now: now) }
            }
        }
        for channel in channels {
            if let connection = channel as? Connection { connection.close() }
        }
        for listener in listeners { listener.close() }
        listeners.removeAll()
    }

    // MARK: - Flushing once per wake-up

    /// True while the loop works through the connections one `epoll_wait` reported: they are
    /// read and served first and their answers written together afterwards. A client with
    /// several connections (kube-apiserver, a load generator) then finds several answers
    /// ready when it wakes instead of being woken, and preempting this thread, once per
    /// answer: with `wrk` on the same two cores, 2.5 µs less kernel time per request in the
    /// server and 1.7 µs less in `wrk`. An answer waits at most for the rest of its batch and
    /// never more than `maxFlushDelayNanoseconds`.
    private(set) var defersFlushes = false
    private var pendingFlushes: [Connection] = []
    /// When the oldest answer waiting in `pendingFlushes` was queued.
    private var oldestPendingAt: Int64 = 0
    /// No answer waits longer than this for the rest of its batch (a batch of slow reviews,
    /// such as 1 MB ones, is flushed as it goes instead).
    static let maxFlushDelayNanoseconds: Int64 = 200_000

    func deferFlush(of connection: Connection) {
        let now = monotonicNanoseconds()
        if pendingFlushes.isEmpty {
            oldestPendingAt = now
        } else if now &- oldestPendingAt > Self.maxFlushDelayNanoseconds {
            flushDeferred()
            oldestPendingAt = now
        }
        var pending: [Connection] = []
        swap(&pending, &pendingFlushes)
        pending.append(connection)
        swap(&pending, &pendingFlushes)
    }

    /// The spare list swapped with `pendingFlushes` for each batch: emptying a copy of
    /// `pendingFlushes` in place allocated a new buffer per wake-up (~150 instructions per
    /// keep-alive request, callgrind). `finishDrive` never queues a flush.
    ///
    /// `pendingFlushes`, `flushing`, `requestCounters` and `channels` are changed only by
    /// moving them out (`swap` with an empty local), changing the local and moving it back:
    /// every access to them is then a move or a read with nothing called inside it, which the
    /// compiler proves exclusive, so it emits no run-time exclusivity checks
    /// (swift_beginAccess, ~78 instructions each) because no overlapping access can exist, not
    /// because they are switched off. Callgrind, keep-alive /mutate: 94,585 -> 93,840
    /// instructions per request.
    private var flushing: [Connection] = []

    private func flushDeferred() {
        guard !pendingFlushes.isEmpty else { return }
        var batch: [Connection] = []
        swap(&batch, &pendingFlushes)
        swap(&pendingFlushes, &flushing)  // the spare list, empty with its capacity
        for connection in batch { connection.finishDrive() }
        batch.removeAll(keepingCapacity: true)
        swap(&batch, &flushing)
    }

    /// Queues `task` to run on this loop's thread. Safe from any thread.
    func execute(_ task: @escaping @Sendable (EventLoop) -> Void) {
        tasks.withLock { $0.append(task) }
        epoll.wake()
    }

    private func runTasks() {
        let pending = tasks.withLock { queue -> [@Sendable (EventLoop) -> Void] in
            let taken = queue
            queue.removeAll()
            return taken
        }
        for task in pending { task(self) }
    }

    // MARK: - Registration

    func register(_ channel: Channel, events: UInt32) -> Bool {
        let fd = Int(channel.fd)
        do {
            try epoll.add(channel.fd, events: events)
        } catch {
            logger.warning("cannot watch descriptor", metadata: ["error": "\(error)"])
            return false
        }
        var list: [Channel?] = []
        swap(&list, &channels)
        if fd >= list.count {
            list.append(contentsOf: repeatElement(nil, count: max(fd + 1 - list.count, list.count)))
        }
        list[fd] = channel
        swap(&list, &channels)
        if channel is Connection { connectionCount += 1 }
        return true
    }

    func deregister(_ channel: Channel) {
        let fd = Int(channel.fd)
        guard fd < channels.count, channels[fd] === channel else { return }
        epoll.remove(channel.fd)
        var list: [Channel?] = []
        swap(&list, &channels)
        list[fd] = nil
        swap(&list, &channels)
        if channel is Connection { connectionCount -= 1 }
    }

    func adopt(listener: Listener) {
        if register(listener, events: UInt32(EPOLLIN.rawValue)) {
            listeners.append(listener)
        }
    }

    // MARK: - Shutdown steps (run on the loop thread through `execute`)

    /// Stops accepting, sends GOAWAY on HTTP/2, closes idle HTTP/1.1 connections; busy ones
    /// close after their current response.
    func stopAccepting() {
        for listener in listeners {
            deregister(listener)
            listener.close()
        }
        listeners.removeAll()
        for channel in channels {
            (channel as? Connection)?.beginShutdown()
        }
    }

    func stop() {
        running = false
    }

    // MARK: - Helpers for connections

    /// The IMF-fixdate for the current second, formatted once per second.
    func httpDate() -> String {
        let second = wallClockSeconds()
        if second != cachedDateSecond {
            cachedDateSecond = second
            cachedDate = HTTPDate.format(epochSeconds: second)
        }
        return cachedDate
    }

    func countRequest(protocol version: HTTPVersion, code: Int) {
        let key = code &* 2 &+ (version == .h2 ? 1 : 0)
        for entry in requestCounters where entry.key == key {
            entry.counter.increment()
            return
        }
        // A new protocol and code (a handful in a process's life: 200, 400, 404, ... by
        // protocol): found once through the shared cache, then kept here.
        let counter = state.metrics.requestCounter(protocol: version, code: code)
        var counters: [(key: Int, counter: Counter)] = []
        swap(&counters, &requestCounters)
        counters.append((key: key, counter: counter))
        swap(&counters, &requestCounters)
        counter.increment()
    }
}

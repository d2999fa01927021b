// State every event loop reads: the current TLS context, readiness, draining, connection count.
import Synchronization

/// Shared between the main thread (reloads, signals) and the event loops. Every field is an
/// atomic or behind a mutex; reads on the hot path are a single atomic load or a short lock.
package final class ServerState: Sendable {
    private let currentContext: Mutex<TLSContext?>
    package let isDraining = Atomic<Bool>(false)
    package let isAccepting = Atomic<Bool>(false)
    package let openConnections = Atomic<Int>(0)
    package let metrics = TransportMetrics()
    /// Per loop, the monotonic second of its last turn (for /livez).
    package let heartbeats: [Heartbeat]

    package init(context: TLSContext?, loops: Int) {
        currentContext = Mutex(context)
        heartbeats = (0..<max(loops, 1)).map { _ in Heartbeat() }
    }

    package var tlsContext: TLSContext? {
        get { currentContext.withLock { $0 } }
        set { currentContext.withLock { $0 = newValue } }
    }

    /// Ready: a certificate is loaded, the listeners accept, and we are not draining.
    package var isReady: Bool {
        tlsContext != nil && isAccepting.load(ordering: .relaxed) && !isDraining.load(ordering: .relaxed)
    }

    /// Live: every event loop has turned within the last `stallSeconds`.
    package func isLive(now: Int64 = monotonicNanoseconds(), stallSeconds: Int64 = 10) -> Bool {
        heartbeats.allSatisfy { now &- $0.value.load(ordering: .relaxed) < stallSeconds &* 1_000_000_000 }
    }
}

/// One event loop's last turn, in monotonic nanoseconds.
package final class Heartbeat: Sendable {
    package let value = Atomic<Int64>(monotonicNanoseconds())
}

// An epoll instance plus an eventfd to wake it from other threads.
#if canImport(Glibc)
import Glibc
import CLinux
#endif

/// One epoll set, owned by one `EventLoop` and used only on its thread, except `wake()`, which
/// any thread may call. Level-triggered: a descriptor that still has data is reported again.
/// Does not know what the descriptors are; the loop maps them to channels.
package final class Epoll: @unchecked Sendable {
    package let fd: Int32
    package let wakeFD: Int32
    private var events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int32 = 256

    package init() throws(SystemError) {
        fd = try syscallValue("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        let wake = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        if wake < 0 {
            let err = errno
            Glibc.close(fd)
            throw SystemError(call: "eventfd", errno: err)
        }
        wakeFD = wake
        events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        try? add(wakeFD, events: UInt32(EPOLLIN.rawValue))
    }

    deinit {
        events.deallocate()
        Glibc.close(wakeFD)
        Glibc.close(fd)
    }

    package func add(_ descriptor: Int32, events mask: UInt32) throws(SystemError) {
        try control(EPOLL_CTL_ADD, descriptor, mask)
    }

    package func modify(_ descriptor: Int32, events mask: UInt32) throws(SystemError) {
        try control(EPOLL_CTL_MOD, descriptor, mask)
    }

    package func remove(_ descriptor: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, descriptor, &event)
    }

    private func control(_ op: Int32, _ descriptor: Int32, _ mask: UInt32) throws(SystemError) {
        var event = epoll_event()
        event.events = mask
        event.data.fd = descriptor
        _ = try syscallValue("epoll_ctl") { epoll_ctl(fd, op, descriptor, &event) }
    }

    /// Waits up to `timeoutMilliseconds` and calls `body(fd, events)` for each ready descriptor.
    /// Wake-ups through `wake()` are consumed here and reported as `body(wakeFD, ...)`.
    package func wait(timeoutMilliseconds: Int32, _ body: (Int32, UInt32) -> Void) {
        let count = epoll_wait(fd, events, capacity, timeoutMilliseconds)
        guard count > 0 else { return }
        for i in 0..<Int(count) {
            let event = events[i]
            if event.data.fd == wakeFD {
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
            }
            body(event.data.fd, event.events)
        }
    }

    /// Makes a pending or the next `wait` return. Safe from any thread.
    package func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }
}

// The one wrapper every system call of the transport goes through (after swift-nio's System.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The outcome of a non-blocking call: done with a value, or "would block" (EAGAIN).
package enum IOResult<T: Sendable>: Sendable {
    case processed(T)
    case wouldBlock
}

/// A failed system call: which call and the errno it set. A peer's misbehaviour (ECONNRESET,
/// EPIPE, ...) arrives as this error and is handled by closing that one connection.
package struct SystemError: Error, CustomStringConvertible, Sendable {
    package let call: String
    package let errno: Int32

    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    package var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Runs `body` (a libc call returning -1 and setting errno on failure), retrying EINTR.
/// EAGAIN/EWOULDBLOCK becomes `.wouldBlock`; EBADF and EFAULT are programmer errors and trap
/// (they mean the transport lost track of its own descriptors, never something a peer did);
/// every other errno is thrown as a `SystemError` naming the call.
@inline(__always)
package func syscall<T: FixedWidthInteger & Sendable>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result != -1 { return .processed(result) }
        let err = errno
        switch err {
        case EINTR:
            continue
        case EAGAIN, EWOULDBLOCK:
            return .wouldBlock
        case EBADF, EFAULT:
            preconditionFailure("\(name): \(String(cString: strerror(err))) — descriptor bookkeeping bug")
        default:
            throw SystemError(call: "\(name)", errno: err)
        }
    }
}

/// Like `syscall` for calls that never return EAGAIN (setup calls): returns the value or throws.
@inline(__always)
package func syscallValue<T: FixedWidthInteger & Sendable>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> T {
    switch try syscall(name, body) {
    case .processed(let value): return value
    case .wouldBlock: throw SystemError(call: "\(name)", errno: EAGAIN)
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC), for deadlines and durations.
package func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
}

/// Wall-clock time in whole seconds since the epoch.
package func wallClockSeconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int(ts.tv_sec)
}

// Thin non-blocking socket calls: listen, accept4, read, write, close — each through `syscall`.
#if canImport(Glibc)
import Glibc
import CLinux
#endif

/// Namespace for socket system calls on raw descriptors. Callers own the descriptors; these
/// functions never close what they did not open, and hold no state.
package enum Socket {
    /// Creates a non-blocking listening socket bound to `address`. With `reusePort` several
    /// event loops each get their own listener on the same port and the kernel spreads
    /// connections among them (SO_REUSEPORT). IPv6 sockets accept IPv4 too (dual stack).
    package static func listen(on address: SocketAddress, reusePort: Bool, backlog: Int32 = 1024) throws(SystemError) -> Int32 {
        let fd = try syscallValue("socket") { socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
            if address.family == AF_INET6 { try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
            var storage = address.storage
            let length = address.length
            _ = try syscallValue("bind") {
                withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            }
            _ = try syscallValue("listen") { Glibc.listen(fd, backlog) }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// The address a socket is bound to (to learn the port picked for port 0).
    package static func localAddress(of fd: Int32) throws(SystemError) -> SocketAddress {
        var address = SocketAddress(storage: sockaddr_storage(), length: socklen_t(MemoryLayout<sockaddr_storage>.size))
        var length = address.length
        _ = try syscallValue("getsockname") {
            withUnsafeMutablePointer(to: &address.storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        }
        address.length = length
        return address
    }

    /// Accepts one connection as a non-blocking, close-on-exec descriptor with TCP_NODELAY set.
    package static func accept(_ listener: Int32) throws(SystemError) -> IOResult<(fd: Int32, peer: SocketAddress)> {
        var address = SocketAddress(storage: sockaddr_storage(), length: socklen_t(MemoryLayout<sockaddr_storage>.size))
        var length = address.length
        let result = try syscall("accept4") {
            withUnsafeMutablePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
        }
        switch result {
        case .wouldBlock:
            return .wouldBlock
        case .processed(let fd):
            address.length = length
            var one: Int32 = 1
            // Best effort: a Unix socket or an already-reset peer may refuse it.
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return .processed((fd, address))
        }
    }

    /// Reads into `buffer`; `.processed(0)` is end of stream.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try syscall("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Writes from `bytes`, possibly partially. MSG_NOSIGNAL: a closed peer is EPIPE, not SIGPIPE.
    package static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try syscall("send") { send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    package static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
        var v = value
        _ = try syscallValue("setsockopt") { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) }
    }

    /// Closes a descriptor the caller owns. close(2) errors other than EBADF carry no action.
    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}

// Parsing `HOST:PORT` / `[IPv6]:PORT` listen addresses into sockaddr storage.
#if canImport(Glibc)
import Glibc
import CLinux
#endif

/// A resolved socket address (IPv4 or IPv6). A value; any thread.
/// Does not resolve DNS names other than through getaddrinfo's numeric and `localhost` forms.
package struct SocketAddress: Sendable, CustomStringConvertible {
    package var storage: sockaddr_storage
    package var length: socklen_t

    package var family: Int32 { Int32(storage.ss_family) }

    /// Parses `0.0.0.0:8443`, `127.0.0.1:0`, `[::]:8443`, `[::1]:9090` or `localhost:8443`.
    package static func parse(_ text: String) throws(SocketAddressError) -> SocketAddress {
        let host: String
        let portText: String
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw SocketAddressError(text: text, reason: "missing ']'") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw SocketAddressError(text: text, reason: "expected ':PORT' after ']'") }
            portText = String(rest.dropFirst())
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw SocketAddressError(text: text, reason: "expected HOST:PORT") }
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
            if host.contains(":") { throw SocketAddressError(text: text, reason: "IPv6 addresses need brackets, e.g. [::]:8443") }
        }
        guard let port = UInt16(portText) else { throw SocketAddressError(text: text, reason: "port must be 0-65535") }
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result)
        guard rc == 0, let info = result else {
            throw SocketAddressError(text: text, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(info) }
        var address = SocketAddress(storage: sockaddr_storage(), length: info.pointee.ai_addrlen)
        withUnsafeMutableBytes(of: &address.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: info.pointee.ai_addr, count: Int(info.pointee.ai_addrlen)))
        }
        return address
    }

    /// The port number (host byte order).
    package var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                return UInt16(bigEndian: raw.load(fromByteOffset: MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_port) ?? 2, as: UInt16.self))
            }
            return UInt16(bigEndian: raw.load(fromByteOffset: MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_port) ?? 2, as: UInt16.self))
        }
    }

    package mutating func setPort(_ port: UInt16) {
        let offset = family == AF_INET6
            ? (MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_port) ?? 2)
            : (MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_port) ?? 2)
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: port.bigEndian, toByteOffset: offset, as: UInt16.self)
        }
    }

    /// The numeric host, e.g. "127.0.0.1" or "::1".
    package var host: String {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var copy = storage
        let rc = withUnsafePointer(to: &copy) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                getnameinfo(sa, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard rc == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package var description: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A listen address that cannot be parsed or resolved; one line for the command line's exit 2.
package struct SocketAddressError: Error, CustomStringConvertible, Sendable {
    package let text: String
    package let reason: String
    package var description: String { "invalid address \"\(text)\": \(reason)" }
}

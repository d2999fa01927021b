// A socket BIO that sends with MSG_NOSIGNAL, so a peer that resets cannot kill us with SIGPIPE.
import CLinux
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes BIOs over a borrowed socket fd for `TLSConnection`; the BIO_METHOD is created once,
/// on first use from any thread, and lives as long as the process. Each BIO is owned by the
/// SSL* it is attached to. Unlike OpenSSL's socket BIO it uses send(MSG_NOSIGNAL)/recv
/// (OpenSSL's calls write(2), which raises SIGPIPE on a closed peer). It never closes the fd.
enum TLSSocketBIO {
    private nonisolated(unsafe) static let method: OpaquePointer? = {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR
        guard let method = BIO_meth_new(type, "smw socket") else { return nil }
        _ = BIO_meth_set_write_ex(method, socketWrite)
        _ = BIO_meth_set_read_ex(method, socketRead)
        _ = BIO_meth_set_ctrl(method, socketControl)
        return method
    }()

    /// A new BIO over `fd`, or nil if OpenSSL cannot allocate one.
    static func make(fd: Int32) -> OpaquePointer? {
        guard fd >= 0, let method, let bio = BIO_new(method) else { return nil }
        // The fd travels in the data pointer, offset by one so that fd 0 is not a null pointer.
        BIO_set_data(bio, UnsafeMutableRawPointer(bitPattern: UInt(fd) + 1))
        BIO_set_init(bio, 1)
        return bio
    }

    fileprivate static func descriptor(_ bio: OpaquePointer?) -> Int32 {
        Int32(truncatingIfNeeded: UInt(bitPattern: BIO_get_data(bio)) &- 1)
    }

    fileprivate static let retryFlags = BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY
}

private func socketWrite(
    _ bio: OpaquePointer?, _ data: UnsafePointer<CChar>?, _ length: Int, _ written: UnsafeMutablePointer<Int>?
) -> Int32 {
    BIO_clear_flags(bio, TLSSocketBIO.retryFlags)
    while true {
        let count = send(TLSSocketBIO.descriptor(bio), data, length, Int32(MSG_NOSIGNAL))
        if count >= 0 {
            written?.pointee = count
            return 1
        }
        if errno == EINTR { continue }
        if errno == EAGAIN || errno == EWOULDBLOCK {
            BIO_set_flags(bio, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY)
        }
        return 0  // errno stays for SSL_ERROR_SYSCALL
    }
}

private func socketRead(
    _ bio: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int, _ read: UnsafeMutablePointer<Int>?
) -> Int32 {
    BIO_clear_flags(bio, TLSSocketBIO.retryFlags)
    while true {
        let count = recv(TLSSocketBIO.descriptor(bio), buffer, length, 0)
        if count > 0 {
            read?.pointee = count
            return 1
        }
        if count == 0 {
            if length > 0 { BIO_set_flags(bio, BIO_FLAGS_IN_EOF) }  // answered by BIO_CTRL_EOF
            return 0
        }
        if errno == EINTR { continue }
        if errno == EAGAIN || errno == EWOULDBLOCK {
            BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY)
        }
        return 0
    }
}

private func socketControl(_ bio: OpaquePointer?, _ command: Int32, _ argument: Int, _ pointer: UnsafeMutableRawPointer?) -> Int {
    switch command {
    case BIO_CTRL_FLUSH: return 1
    case BIO_CTRL_EOF: return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0
    default: return 0
    }
}

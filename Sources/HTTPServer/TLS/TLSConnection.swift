// One server-side TLS session (SSL*) on a non-blocking socket, driven by the event loop.
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TLS session on one non-blocking socket fd. Owned and used by a single event-loop
/// thread; owns the SSL* (SSL_free in deinit) and keeps its `TLSContext` alive. It does not
/// close the fd, time out handshakes, or buffer unwritten bytes: the event loop does.
/// Every method returns at once; `.wantRead`/`.wantWrite` say which readiness to wait for
/// before calling the *same* method again.
package final class TLSConnection {
    package let context: TLSContext
    private let ssl: OpaquePointer
    /// Set after SSL_ERROR_SSL or SSL_ERROR_SYSCALL: OpenSSL forbids SSL_shutdown then.
    private var failed = false

    package init(context: TLSContext, fd: Int32) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError("cannot create a TLS session: \(OpenSSLErrorQueue.drainDescription())")
        }
        self.context = context
        self.ssl = ssl
        guard let bio = TLSSocketBIO.make(fd: fd) else {
            throw TLSError("cannot attach the TLS session to fd \(fd): \(OpenSSLErrorQueue.drainDescription())")
        }
        SSL_set_bio(ssl, bio, bio)  // the SSL* now owns the BIO
        // Read whole records (and whatever follows) in one recv, not a 5-byte header and then
        // the body: one syscall per request instead of two. Bytes read ahead are invisible to
        // epoll; `hasBufferedInput` reports them.
        SSL_set_read_ahead(ssl, 1)
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(ssl)
    }

    /// Advances the handshake; `.done(0)` when it has finished.
    package func handshake() -> TLSIOResult {
        Self.clearErrorQueue()
        errno = 0
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done(0) }
        return outcome(of: result, operation: "handshake")
    }

    /// Decrypted bytes into `buffer`; `.done(n)` with n > 0. More may stay buffered inside
    /// OpenSSL (decrypted, or read ahead): check `hasBufferedInput` before waiting for epoll.
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .done(0) }
        Self.clearErrorQueue()
        errno = 0
        var count = 0
        let result = SSL_read_ex(ssl, base, buffer.count, &count)
        if result == 1 { return .done(count) }
        return outcome(of: Int32(result), operation: "read")
    }

    /// Encrypts and sends a prefix of `bytes`; `.done(n)` may cover only part of them (partial
    /// write mode). Keep the rest and call again with it, at any address.
    package func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .done(0) }
        Self.clearErrorQueue()
        errno = 0
        var count = 0
        let result = SSL_write_ex(ssl, base, bytes.count, &count)
        if result == 1 { return .done(count) }
        return outcome(of: Int32(result), operation: "write")
    }

    /// Sends close_notify once, best effort, without waiting for the peer's; skipped after a
    /// failure or before the handshake finished. The caller closes the fd afterwards.
    package func shutdown() {
        guard !failed, SSL_is_init_finished(ssl) == 1 else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// Whether bytes wait inside OpenSSL, decrypted or read ahead and not yet processed
    /// (SSL_has_pending); epoll cannot see them. May be true for a partial record, in which
    /// case the next `read` answers `.wantRead`.
    package var hasBufferedInput: Bool {
        SSL_has_pending(ssl) == 1
    }

    /// The protocol chosen by ALPN, nil if none was negotiated (treat as http/1.1).
    package var alpnProtocol: String? {
        var name: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &name, &length)
        guard let name, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }

    /// The negotiated version, e.g. "TLSv1.3" (before the handshake, the method's maximum).
    package var protocolVersion: String {
        guard let version = SSL_get_version(ssl) else { return "unknown" }
        return String(cString: version)
    }

    /// Empties this thread's error queue before a call whose failure `outcome` reads from it
    /// (SSL_get_error(3) requires an empty queue). ERR_clear_error resets all 16 slots every
    /// time; the queue is almost always empty already (`outcome` drains it on every error), so
    /// a peek first is enough. Callgrind: ~840 -> ~412 instructions per keep-alive request
    /// (the peek still looks up the thread-local error state, ~206 per call).
    @inline(__always)
    private static func clearErrorQueue() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// Maps a failed call to a result (SSL_get_error(3)). `errno` must still be the value the
    /// call left, so this runs directly after it.
    private func outcome(of result: Int32, operation: String) -> TLSIOResult {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            failed = true
            if let queued = OpenSSLErrorQueue.drain() {
                return .failed("TLS \(operation): \(queued)")
            }
            if savedErrno == 0 { return .closed }  // EOF without close_notify
            return .failed("TLS \(operation): \(String(cString: strerror(savedErrno)))")
        case SSL_ERROR_SSL:
            failed = true
            // OpenSSL 3 reports a bare EOF as this error; for HTTP (which frames its own
            // messages) it is an ordinary close.
            let code = ERR_peek_error()
            if ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING {
                ERR_clear_error()
                return .closed
            }
            return .failed("TLS \(operation): \(OpenSSLErrorQueue.drainDescription())")
        case let other:
            failed = true
            ERR_clear_error()
            return .failed("TLS \(operation): SSL_get_error \(other)")
        }
    }
}

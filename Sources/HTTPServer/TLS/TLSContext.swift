// The server's SSL_CTX: certificate, key, client CA, versions, ciphers and ALPN, built once.
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Immutable once built; shared by every event-loop thread (SSL_CTX is safe for concurrent
/// SSL_new). Owns the SSL_CTX* and the ALPN wire bytes its callback reads, and frees both in
/// deinit; every `TLSConnection` keeps its context alive. It does not watch files: a new
/// context is built by `CertificateReloader` and swapped in by its caller.
public final class TLSContext: @unchecked Sendable {
    /// TLS 1.2 suites: ECDHE with AEAD only (server.md, TLS), in the server's order.
    static let tls12CipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    static let groupList = "X25519:P-256:P-384"
    /// TLS 1.3 suites: OpenSSL's three, AES-128-GCM first (OpenSSL's default order puts
    /// AES-256-GCM-SHA384 first). With the server's order in force that suite was chosen for
    /// every client, kube-apiserver's Go client included, which lists AES-128 first; its
    /// SHA-384 key schedule cost ~60,000 more instructions per handshake than SHA-256 (callgrind,
    /// 200 handshakes each way) and AES-256 is slower per record, for no security need (Mozilla's
    /// and Go's own orders start with AES-128). A client that lists ChaCha20 first (no AES
    /// hardware) gets it (`SSL_OP_PRIORITIZE_CHACHA`).
    static let tls13CipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    public let configuration: TLSConfiguration
    /// The leaf certificate's notAfter in unix seconds (tls_certificate_not_after_timestamp_seconds).
    public let certificateNotAfter: Int
    /// The leaf certificate's serial number in upper-case hex, for logs.
    public let certificateSerial: String
    /// Digest of the file contents this context was built from; the reloader compares it.
    let sourceDigest: [UInt8]

    let pointer: OpaquePointer
    /// ALPN protocols in wire format (length byte, name), ended by a 0 byte; the select
    /// callback's `arg`. Allocated once here, freed in deinit.
    private let alpnWire: UnsafeMutableRawBufferPointer

    private init(
        pointer: OpaquePointer, alpnWire: UnsafeMutableRawBufferPointer,
        configuration: TLSConfiguration, notAfter: Int, serial: String, sourceDigest: [UInt8]
    ) {
        self.pointer = pointer
        self.alpnWire = alpnWire
        self.configuration = configuration
        self.certificateNotAfter = notAfter
        self.certificateSerial = serial
        self.sourceDigest = sourceDigest
    }

    deinit {
        SSL_CTX_free(pointer)
        alpnWire.deallocate()
    }

    /// Reads and checks the files and builds a context. Errors are one line naming the file:
    /// unreadable file, no certificate, unparsable key, key mismatch, certificate expired or
    /// not yet valid at `now`, empty client CA file.
    public static func load(
        _ configuration: TLSConfiguration, now: Int = Int(time(nil))
    ) throws(TLSError) -> TLSContext {
        try load(configuration, files: TLSSourceFiles.load(configuration), now: now)
    }

    static func load(
        _ configuration: TLSConfiguration, files: TLSSourceFiles, now: Int
    ) throws(TLSError) -> TLSContext {
        let certificatePath = configuration.certificatePath
        let chain = try X509Certificate.bundle(fromPEM: files.certificate, path: certificatePath)
        let leaf = chain[0]
        let key = try TLSPrivateKey(pem: files.privateKey, path: configuration.privateKeyPath)
        ERR_clear_error()
        guard X509_check_private_key(leaf.pointer, key.pointer) == 1 else {
            ERR_clear_error()
            throw TLSError("\(configuration.privateKeyPath) does not match the certificate in \(certificatePath)")
        }
        guard let notBefore = leaf.notBefore, let notAfter = leaf.notAfter else {
            throw TLSError("certificate \(certificatePath) has an unreadable validity period")
        }
        if notAfter < now {
            throw TLSError("certificate \(certificatePath) expired at \(X509Certificate.rfc3339(notAfter))")
        }
        if notBefore > now {
            throw TLSError("certificate \(certificatePath) is not valid before \(X509Certificate.rfc3339(notBefore))")
        }
        var clientCAs: [X509Certificate] = []
        if let path = configuration.clientCAPath, let pem = files.clientCA {
            clientCAs = try X509Certificate.bundle(fromPEM: pem, path: path)
        }
        let alpnWire = try wireFormat(configuration.alpnProtocols)
        guard let pointer = SSL_CTX_new(TLS_server_method()) else {
            alpnWire.deallocate()
            throw TLSError("cannot create an SSL_CTX: \(OpenSSLErrorQueue.drainDescription())")
        }
        // From here the context owns both allocations; a failure below releases it.
        let context = TLSContext(
            pointer: pointer, alpnWire: alpnWire, configuration: configuration,
            notAfter: notAfter, serial: leaf.serialHex, sourceDigest: files.digest)
        try context.configure(chain: chain, key: key, clientCAs: clientCAs)
        return context
    }

    private func configure(chain: [X509Certificate], key: TLSPrivateKey, clientCAs: [X509Certificate]) throws(TLSError) {
        func check(_ ok: Bool, _ what: String) throws(TLSError) {
            if !ok { throw TLSError("\(what): \(OpenSSLErrorQueue.drainDescription())") }
        }
        ERR_clear_error()
        let minimum = configuration.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        try check(smw_SSL_CTX_set_min_proto_version(pointer, minimum) == 1, "cannot set the minimum TLS version")
        SSL_CTX_set_options(pointer, smw_SSL_OP_NO_COMPRESSION | smw_SSL_OP_NO_RENEGOTIATION | smw_SSL_OP_CIPHER_SERVER_PREFERENCE
                                | smw_SSL_OP_PRIORITIZE_CHACHA)
        try check(SSL_CTX_set_cipher_list(pointer, Self.tls12CipherList) == 1, "cannot set the TLS 1.2 cipher list")
        try check(SSL_CTX_set_ciphersuites(pointer, Self.tls13CipherSuites) == 1, "cannot set the TLS 1.3 cipher suites")
        try check(smw_SSL_CTX_set1_groups_list(pointer, Self.groupList) == 1, "cannot set the key exchange groups")
        _ = smw_SSL_CTX_set_mode(
            pointer, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))

        let certificatePath = configuration.certificatePath
        try check(SSL_CTX_use_certificate(pointer, chain[0].pointer) == 1, "cannot use the certificate in \(certificatePath)")
        for intermediate in chain.dropFirst() {
            try check(smw_SSL_CTX_add1_chain_cert(pointer, intermediate.pointer) == 1,
                      "cannot add an intermediate certificate from \(certificatePath)")
        }
        try check(SSL_CTX_use_PrivateKey(pointer, key.pointer) == 1, "cannot use the private key in \(configuration.privateKeyPath)")

        if let caPath = configuration.clientCAPath {
            guard let store = SSL_CTX_get_cert_store(pointer) else {
                throw TLSError("cannot use the client CA file \(caPath): no certificate store")
            }
            for ca in clientCAs {
                try check(X509_STORE_add_cert(store, ca.pointer) == 1, "cannot use the client CA file \(caPath)")
                try check(SSL_CTX_add_client_CA(pointer, ca.pointer) == 1, "cannot use the client CA file \(caPath)")
            }
            SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }

        if alpnWire.count > 1 {
            SSL_CTX_set_alpn_select_cb(pointer, selectALPN, alpnWire.baseAddress)
        }
    }

    /// ALPN protocol names in wire format with a terminating 0 byte (RFC 7301 §3.1).
    private static func wireFormat(_ protocols: [String]) throws(TLSError) -> UnsafeMutableRawBufferPointer {
        var bytes: [UInt8] = []
        for name in protocols {
            let utf8 = Array(name.utf8)
            guard (1...255).contains(utf8.count) else {
                throw TLSError("ALPN protocol name \"\(name)\" must be 1 to 255 bytes long")
            }
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        buffer.copyBytes(from: bytes)
        return buffer
    }
}

/// The ALPN select callback: the first of the server's protocols (wire format in `arg`, ended
/// by a 0 byte) that the client offers; none in common → NOACK and the connection goes on
/// without ALPN (treated as http/1.1). No captures; `arg` lives as long as the TLSContext,
/// which every connection keeps alive.
private func selectALPN(
    _ ssl: OpaquePointer?,
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ offered: UnsafePointer<UInt8>?,
    _ offeredLength: UInt32,
    _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered, let arg else { return SSL_TLSEXT_ERR_NOACK }
    let server = arg.assumingMemoryBound(to: UInt8.self)
    let client = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    var s = 0
    while server[s] != 0 {
        let length = Int(server[s])
        let candidate = UnsafeBufferPointer(start: server + s + 1, count: length)
        var c = 0
        while c < client.count {
            let clientLength = Int(client[c])
            let end = c + 1 + clientLength
            if end > client.count { break }  // malformed list from the peer: stop reading it
            if clientLength == length && client[(c + 1)..<end].elementsEqual(candidate) {
                out.pointee = UnsafePointer(server + s + 1)
                outLength.pointee = UInt8(length)
                return SSL_TLSEXT_ERR_OK
            }
            c = end
        }
        s += 1 + length
    }
    return SSL_TLSEXT_ERR_NOACK
}

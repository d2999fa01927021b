// One parsed private key (EVP_PKEY*) read from PEM in memory.
import COpenSSL

/// Owns one EVP_PKEY* and frees it in deinit. Made and used by the thread that loads a
/// `TLSContext`; the SSL_CTX takes its own reference. It deliberately does not decrypt
/// encrypted keys: there is no passphrase to ask for in a pod, so they fail to parse.
final class TLSPrivateKey {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// The first private key in a PEM file (PKCS#8, PKCS#1 RSA or SEC1 EC); `path` only names
    /// the file in the error.
    convenience init(pem: [UInt8], path: String) throws(TLSError) {
        ERR_clear_error()
        let parsed: OpaquePointer? = pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            // Without a callback OpenSSL would prompt on the terminal for an encrypted key.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let parsed else {
            let reason = OpenSSLErrorQueue.drainDescription(fallback: "no private key")
            throw TLSError("cannot parse private key in \(path): \(reason)")
        }
        self.init(pointer: parsed)
    }
}

// One parsed X.509 certificate (X509*), and PEM bundle parsing from memory.
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one X509* and frees it in deinit. Made and used by the thread that loads a
/// `TLSContext`; once handed to an SSL_CTX (which takes its own reference) it may be dropped.
/// It does not verify chains: OpenSSL does that during handshakes.
final class X509Certificate {
    let pointer: OpaquePointer

    /// Takes over one reference to `pointer` (e.g. from SSL_get1_peer_certificate).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// Every certificate in a PEM bundle, in file order. Fails when there is none or when a
    /// PEM block cannot be decoded; `path` only names the file in the error.
    static func bundle(fromPEM pem: [UInt8], path: String) throws(TLSError) -> [X509Certificate] {
        ERR_clear_error()
        var certificates: [X509Certificate] = []
        let failure: String? = pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else {
                return "cannot allocate a memory BIO"
            }
            defer { BIO_free(bio) }
            while true {
                guard let x509 = PEM_read_bio_X509(bio, nil, nil, nil) else { break }
                certificates.append(X509Certificate(owning: x509))
            }
            // Reading stops with "no start line" at the end of the input; anything else is a
            // damaged PEM block.
            let code = ERR_peek_last_error()
            if code != 0 && !(ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
                return OpenSSLErrorQueue.drainDescription()
            }
            ERR_clear_error()
            return nil
        }
        if let failure {
            throw TLSError("cannot parse certificate in \(path): \(failure)")
        }
        if certificates.isEmpty {
            throw TLSError("no PEM certificate found in \(path)")
        }
        return certificates
    }

    /// notAfter in unix seconds; nil if the field cannot be read.
    var notAfter: Int? { Self.unixTime(X509_get0_notAfter(pointer)) }

    /// notBefore in unix seconds; nil if the field cannot be read.
    var notBefore: Int? { Self.unixTime(X509_get0_notBefore(pointer)) }

    /// The serial number in upper-case hex, e.g. "0A1B2C".
    var serialHex: String {
        guard let serial = X509_get_serialNumber(pointer),
              let bignum = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bignum) }
        guard let hex = BN_bn2hex(bignum) else { return "" }
        defer { smw_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    private static func unixTime(_ time: UnsafePointer<ASN1_TIME>?) -> Int? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Int(timegm(&parts))
    }

    /// Unix seconds as RFC 3339 UTC, e.g. "2026-01-01T00:00:00Z".
    static func rfc3339(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "@\(seconds)" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}

// Reads the certificate, key and client-CA files once, with one digest over their contents.
import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes a `TLSContext` is built from, read once so that the context and the reloader's
/// digest describe exactly the same contents (a half-swapped pair is never read twice).
/// A value, made and used on one thread. It does not parse PEM: `X509Certificate` does.
struct TLSSourceFiles: Sendable {
    /// Larger files are refused: a PEM bundle of a few certificates is a few KiB.
    static let maximumFileSize = 1 << 20

    var certificate: [UInt8]
    var privateKey: [UInt8]
    var clientCA: [UInt8]?
    /// SHA-256 over all three contents, each prefixed by its length; identifies the set.
    var digest: [UInt8]

    static func load(_ configuration: TLSConfiguration) throws(TLSError) -> TLSSourceFiles {
        let certificate = try readFile(configuration.certificatePath)
        let privateKey = try readFile(configuration.privateKeyPath)
        var clientCA: [UInt8]?
        if let path = configuration.clientCAPath {
            clientCA = try readFile(path)
        }
        var material: [UInt8] = []
        for part in [certificate, privateKey, clientCA ?? []] {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { material.append(contentsOf: $0) }
            material.append(contentsOf: part)
        }
        material.append(clientCA == nil ? 0 : 1)
        return TLSSourceFiles(
            certificate: certificate, privateKey: privateKey, clientCA: clientCA,
            digest: sha256(material))
    }

    /// The whole file, following symlinks; errors read "cannot read PATH: REASON".
    static func readFile(_ path: String) throws(TLSError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw TLSError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TLSError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
            if contents.count > maximumFileSize {
                throw TLSError("cannot read \(path): larger than \(maximumFileSize) bytes")
            }
        }
        return contents
    }

    private static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        // SHA-256 cannot fail on memory input; fall back to the bytes themselves if it ever does.
        return ok == 1 ? Array(digest.prefix(Int(length))) : bytes
    }
}

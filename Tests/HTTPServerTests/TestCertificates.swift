// Test helper: makes CA and leaf certificates in a temporary directory with the openssl CLI.
import Foundation

/// Owned by one test; makes its own temporary directory and removes it in deinit. It shells
/// out to `openssl` (req for CAs, `ca` for leaves so that validity dates can lie in the past
/// or the future, which `x509 -days` cannot do in OpenSSL 3.0). It does not cache anything.
final class TestCertificates {
    enum KeyType { case ecdsa, rsa }

    struct Authority {
        let certificatePath: String
        let keyPath: String
        let directory: String
    }

    struct Leaf {
        let certificatePath: String
        let keyPath: String
        /// Upper-case hex, as `TLSContext.certificateSerial` reports it.
        let serial: String
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    let directory: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tls-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        directory = base.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// A self-signed CA valid for 30 days.
    func makeAuthority(_ name: String, keyType: KeyType = .ecdsa) throws -> Authority {
        let caDirectory = path("ca-\(name)")
        try FileManager.default.createDirectory(atPath: caDirectory, withIntermediateDirectories: true)
        let key = caDirectory + "/ca.key"
        let certificate = caDirectory + "/ca.crt"
        try makeKey(key, keyType)
        try openssl(["req", "-x509", "-new", "-key", key, "-subj", "/CN=\(name)", "-days", "30", "-out", certificate])
        try "".write(toFile: caDirectory + "/index.txt", atomically: true, encoding: .utf8)
        let config = """
            [ ca ]
            default_ca = test_ca
            [ test_ca ]
            database = \(caDirectory)/index.txt
            new_certs_dir = \(caDirectory)
            serial = \(caDirectory)/serial
            default_md = sha256
            policy = any_name
            unique_subject = no
            [ any_name ]
            commonName = supplied
            [ leaf ]
            basicConstraints = CA:FALSE
            keyUsage = digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth, clientAuth
            subjectAltName = DNS:localhost

            """
        try config.write(toFile: caDirectory + "/ca.cnf", atomically: true, encoding: .utf8)
        return Authority(certificatePath: certificate, keyPath: key, directory: caDirectory)
    }

    /// A leaf signed by `authority`, written to `<name>.crt` and `<name>.key`. Dates are
    /// `YYYYMMDDHHMMSSZ`; without them the leaf is valid from now for 30 days.
    func makeLeaf(
        _ name: String, signedBy authority: Authority, keyType: KeyType = .ecdsa,
        notBefore: String? = nil, notAfter: String? = nil
    ) throws -> Leaf {
        let key = path("\(name).key")
        let request = path("\(name).csr")
        let certificate = path("\(name).crt")
        try makeKey(key, keyType)
        try openssl(["req", "-new", "-key", key, "-subj", "/CN=\(name)", "-out", request])
        // A random positive serial with a non-zero first byte, so its hex has a fixed form.
        let serial = String(format: "%02X", UInt8.random(in: 0x10...0x7F))
            + (0..<7).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }.joined()
        try (serial + "\n").write(toFile: authority.directory + "/serial", atomically: true, encoding: .utf8)
        var arguments = [
            "ca", "-batch", "-config", authority.directory + "/ca.cnf", "-extensions", "leaf",
            "-cert", authority.certificatePath, "-keyfile", authority.keyPath,
            "-in", request, "-out", certificate, "-notext",
        ]
        if let notBefore { arguments += ["-startdate", notBefore] }
        if let notAfter { arguments += ["-enddate", notAfter] } else { arguments += ["-days", "30"] }
        try openssl(arguments)
        return Leaf(certificatePath: certificate, keyPath: key, serial: serial)
    }

    /// Writes `text` to a file in the directory and returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let file = path(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    private func makeKey(_ path: String, _ keyType: KeyType) throws {
        switch keyType {
        case .ecdsa:
            try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
        case .rsa:
            try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
        }
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            let text = String(decoding: output, as: UTF8.self)
            throw CommandFailed(description: "openssl \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}

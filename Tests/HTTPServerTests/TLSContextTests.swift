// Tests of TLSContext.load: what loads, and the one-line error for each kind of bad file.
import Testing
@testable import HTTPServer

/// One test thread per test; each test makes its own certificates.
struct TLSContextTests {
    let certificates: TestCertificates
    let authority: TestCertificates.Authority

    init() throws {
        certificates = try TestCertificates()
        authority = try certificates.makeAuthority("root")
    }

    func loadError(_ configuration: TLSConfiguration, now: Int? = nil) -> String? {
        do {
            if let now { _ = try TLSContext.load(configuration, now: now) } else { _ = try TLSContext.load(configuration) }
            return nil
        } catch {
            #expect(!error.description.contains("\n"))
            return error.description
        }
    }

    @Test(arguments: [TestCertificates.KeyType.ecdsa, .rsa])
    func loadsAValidPairAndReportsSerialAndExpiry(keyType: TestCertificates.KeyType) throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority, keyType: keyType, notAfter: "20991231235959Z")
        let context = try TLSContext.load(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath))
        #expect(context.certificateSerial == leaf.serial)
        #expect(context.certificateNotAfter == 4_102_444_799)  // 2099-12-31T23:59:59Z
        #expect(context.configuration.alpnProtocols == ["h2", "http/1.1"])
    }

    @Test func missingFileNamesThePathAndTheReason() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let missing = certificates.path("missing.crt")
        #expect(loadError(TLSConfiguration(certificatePath: missing, privateKeyPath: leaf.keyPath))
            == "cannot read \(missing): No such file or directory")
        let missingKey = certificates.path("missing.key")
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: missingKey))
            == "cannot read \(missingKey): No such file or directory")
    }

    @Test func keyOfAnotherCertificateIsAMismatch() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let other = try certificates.makeLeaf("other", signedBy: authority)
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: other.keyPath))
            == "\(other.keyPath) does not match the certificate in \(leaf.certificatePath)")
    }

    @Test func expiredCertificateNamesItsNotAfter() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority, notBefore: "20200101000000Z", notAfter: "20200102000000Z")
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath))
            == "certificate \(leaf.certificatePath) expired at 2020-01-02T00:00:00Z")
    }

    @Test func expiryIsJudgedAtTheGivenTime() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority, notAfter: "20300101000000Z")
        let configuration = TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath)
        #expect(loadError(configuration, now: 1_893_456_000) == nil)  // exactly notAfter
        #expect(loadError(configuration, now: 1_893_456_001)
            == "certificate \(leaf.certificatePath) expired at 2030-01-01T00:00:00Z")
    }

    @Test func notYetValidCertificateNamesItsNotBefore() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority, notBefore: "20990101000000Z", notAfter: "20991231000000Z")
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath))
            == "certificate \(leaf.certificatePath) is not valid before 2099-01-01T00:00:00Z")
    }

    @Test func garbageInsteadOfPEMIsNoCertificate() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let garbage = try certificates.write("this is not a certificate\n", to: "garbage.crt")
        #expect(loadError(TLSConfiguration(certificatePath: garbage, privateKeyPath: leaf.keyPath))
            == "no PEM certificate found in \(garbage)")
        let empty = try certificates.write("", to: "empty.crt")
        #expect(loadError(TLSConfiguration(certificatePath: empty, privateKeyPath: leaf.keyPath))
            == "no PEM certificate found in \(empty)")
    }

    @Test func damagedPEMBlockIsAParseError() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let damaged = try certificates.write(
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", to: "damaged.crt")
        let error = loadError(TLSConfiguration(certificatePath: damaged, privateKeyPath: leaf.keyPath))
        #expect(error?.hasPrefix("cannot parse certificate in \(damaged): ") == true)
    }

    @Test func garbageKeyIsAParseErrorNamingTheKeyFile() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let garbage = try certificates.write("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", to: "garbage.key")
        let error = loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: garbage))
        #expect(error?.hasPrefix("cannot parse private key in \(garbage): ") == true)
    }

    @Test func emptyOrMissingClientCAFileIsAnError() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let empty = try certificates.write("", to: "client-ca.crt")
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath, clientCAPath: empty))
            == "no PEM certificate found in \(empty)")
        let missing = certificates.path("none.crt")
        #expect(loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath, clientCAPath: missing))
            == "cannot read \(missing): No such file or directory")
    }

    @Test func invalidALPNNameIsAnError() throws {
        let leaf = try certificates.makeLeaf("server", signedBy: authority)
        let error = loadError(TLSConfiguration(certificatePath: leaf.certificatePath, privateKeyPath: leaf.keyPath, alpnProtocols: [""]))
        #expect(error == "ALPN protocol name \"\" must be 1 to 255 bytes long")
    }
}

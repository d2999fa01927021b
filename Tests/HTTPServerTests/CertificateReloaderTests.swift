// Tests of CertificateReloader: content changes, broken pairs reported once, symlink swaps.
import Foundation
import Testing
@testable import HTTPServer

/// One test thread per test; each test serves from its own temporary directory.
/// Named with a TLS prefix so that `swift test --filter TLS` selects it.
struct TLSCertificateReloaderTests {
    let certificates: TestCertificates
    let authority: TestCertificates.Authority
    let configuration: TLSConfiguration

    init() throws {
        certificates = try TestCertificates()
        authority = try certificates.makeAuthority("root")
        configuration = TLSConfiguration(
            certificatePath: certificates.path("tls.crt"), privateKeyPath: certificates.path("tls.key"))
    }

    /// Copies a leaf's files over `to` (default: the served tls.crt and tls.key), each by rename.
    func install(_ leaf: TestCertificates.Leaf, certificateTo: String? = nil, keyTo: String? = nil) throws {
        try replace(certificateTo ?? configuration.certificatePath, with: leaf.certificatePath)
        try replace(keyTo ?? configuration.privateKeyPath, with: leaf.keyPath)
    }

    func replace(_ destination: String, with source: String) throws {
        let contents = try Data(contentsOf: URL(fileURLWithPath: source))
        try contents.write(to: URL(fileURLWithPath: destination), options: .atomic)
    }

    func servedSerial(_ context: TLSContext) throws -> String? {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context, fd: sockets.server)
        let client = try TLSTestClient(fd: sockets.client)
        #expect(pumpHandshake(server: server, client: client).server == .done(0))
        return client.peerSerial
    }

    @Test func unchangedFilesAreUnchanged() throws {
        try install(certificates.makeLeaf("first", signedBy: authority))
        let reloader = try CertificateReloader(configuration: configuration, current: TLSContext.load(configuration))
        guard case .unchanged = reloader.poll() else { Issue.record("expected .unchanged"); return }
        guard case .unchanged = reloader.poll() else { Issue.record("expected .unchanged"); return }
    }

    @Test func newPairIsReloadedAndServedToNewHandshakes() throws {
        let first = try certificates.makeLeaf("first", signedBy: authority)
        try install(first)
        let current = try TLSContext.load(configuration)
        let reloader = CertificateReloader(configuration: configuration, current: current)
        #expect(try servedSerial(current) == first.serial)

        let second = try certificates.makeLeaf("second", signedBy: authority)
        try install(second)
        guard case .reloaded(let context) = reloader.poll() else { Issue.record("expected .reloaded"); return }
        #expect(context.certificateSerial == second.serial)
        #expect(try servedSerial(context) == second.serial)
        guard case .unchanged = reloader.poll() else { Issue.record("expected .unchanged after reload"); return }
    }

    @Test func brokenPairIsReportedOnceThenAGoodPairReloads() throws {
        try install(certificates.makeLeaf("first", signedBy: authority))
        let reloader = try CertificateReloader(configuration: configuration, current: TLSContext.load(configuration))

        // Half-written pair: the new certificate has arrived, its key has not.
        let second = try certificates.makeLeaf("second", signedBy: authority)
        try replace(configuration.certificatePath, with: second.certificatePath)
        guard case .failed(let error) = reloader.poll() else { Issue.record("expected .failed"); return }
        #expect(error.description == "\(configuration.privateKeyPath) does not match the certificate in \(configuration.certificatePath)")
        guard case .unchanged = reloader.poll() else { Issue.record("same broken contents reported again"); return }

        try replace(configuration.privateKeyPath, with: second.keyPath)
        guard case .reloaded(let context) = reloader.poll() else { Issue.record("expected .reloaded"); return }
        #expect(context.certificateSerial == second.serial)
    }

    @Test func expiredReplacementFailsAndTheNextChangeIsTriedAgain() throws {
        try install(certificates.makeLeaf("first", signedBy: authority))
        let reloader = try CertificateReloader(configuration: configuration, current: TLSContext.load(configuration))
        try install(certificates.makeLeaf("expired", signedBy: authority, notBefore: "20200101000000Z", notAfter: "20200102000000Z"))
        guard case .failed(let error) = reloader.poll() else { Issue.record("expected .failed"); return }
        #expect(error.description.contains("expired at 2020-01-02T00:00:00Z"))
        guard case .unchanged = reloader.poll() else { Issue.record("same broken contents reported again"); return }

        try replace(configuration.certificatePath, with: try certificates.write("garbage\n", to: "garbage.crt"))
        guard case .failed(let garbage) = reloader.poll() else { Issue.record("a further broken change was not tried"); return }
        #expect(garbage.description == "no PEM certificate found in \(configuration.certificatePath)")
    }

    @Test func missingFileIsReportedOnce() throws {
        try install(certificates.makeLeaf("first", signedBy: authority))
        let reloader = try CertificateReloader(configuration: configuration, current: TLSContext.load(configuration))
        try FileManager.default.removeItem(atPath: configuration.privateKeyPath)
        guard case .failed(let error) = reloader.poll() else { Issue.record("expected .failed"); return }
        #expect(error.description == "cannot read \(configuration.privateKeyPath): No such file or directory")
        guard case .unchanged = reloader.poll() else { Issue.record("same missing file reported again"); return }
    }

    @Test func kubernetesSymlinkSwapIsReloaded() throws {
        // The layout kubelet gives a mounted Secret: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>.
        let files = FileManager.default
        let mount = certificates.path("secret")
        try files.createDirectory(atPath: mount + "/..2026_01_01_a", withIntermediateDirectories: true)
        let first = try certificates.makeLeaf("first", signedBy: authority)
        try install(first, certificateTo: mount + "/..2026_01_01_a/tls.crt", keyTo: mount + "/..2026_01_01_a/tls.key")
        try files.createSymbolicLink(atPath: mount + "/..data", withDestinationPath: "..2026_01_01_a")
        try files.createSymbolicLink(atPath: mount + "/tls.crt", withDestinationPath: "..data/tls.crt")
        try files.createSymbolicLink(atPath: mount + "/tls.key", withDestinationPath: "..data/tls.key")
        let mounted = TLSConfiguration(certificatePath: mount + "/tls.crt", privateKeyPath: mount + "/tls.key")
        let current = try TLSContext.load(mounted)
        #expect(current.certificateSerial == first.serial)
        let reloader = CertificateReloader(configuration: mounted, current: current)

        try files.createDirectory(atPath: mount + "/..2026_01_01_b", withIntermediateDirectories: true)
        let second = try certificates.makeLeaf("second", signedBy: authority)
        try install(second, certificateTo: mount + "/..2026_01_01_b/tls.crt", keyTo: mount + "/..2026_01_01_b/tls.key")
        try files.createSymbolicLink(atPath: mount + "/..data_tmp", withDestinationPath: "..2026_01_01_b")
        #expect(rename(mount + "/..data_tmp", mount + "/..data") == 0)
        try files.removeItem(atPath: mount + "/..2026_01_01_a")

        guard case .reloaded(let context) = reloader.poll() else { Issue.record("expected .reloaded"); return }
        #expect(context.certificateSerial == second.serial)
    }
}

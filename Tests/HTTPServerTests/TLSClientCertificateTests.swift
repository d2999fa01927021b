// Tests of client-certificate verification (--client-ca) during the server handshake.
import COpenSSL
import Testing
@testable import HTTPServer

/// One test thread per test; each test makes its own CAs, certificates and socketpair.
struct TLSClientCertificateTests {
    let certificates: TestCertificates
    let clientAuthority: TestCertificates.Authority
    let context: TLSContext

    init() throws {
        certificates = try TestCertificates()
        let serverLeaf = try certificates.makeLeaf("server", signedBy: certificates.makeAuthority("servers"))
        clientAuthority = try certificates.makeAuthority("clients")
        context = try TLSContext.load(TLSConfiguration(
            certificatePath: serverLeaf.certificatePath, privateKeyPath: serverLeaf.keyPath,
            clientCAPath: clientAuthority.certificatePath))
    }

    func handshake(maximumVersion: Int32? = nil, clientLeaf: TestCertificates.Leaf?) throws -> TLSIOResult {
        let sockets = try TestSocketPair()
        let server = try TLSConnection(context: context, fd: sockets.server)
        let client = try TLSTestClient(
            fd: sockets.client, maximumVersion: maximumVersion,
            certificate: clientLeaf.map { ($0.certificatePath, $0.keyPath) })
        return pumpHandshake(server: server, client: client).server
    }

    @Test(arguments: [nil, TLS1_2_VERSION])
    func clientWithoutACertificateIsRefused(maximumVersion: Int32?) throws {
        guard case .failed(let reason) = try handshake(maximumVersion: maximumVersion, clientLeaf: nil) else {
            Issue.record("a client without a certificate was accepted")
            return
        }
        #expect(reason.contains("certificate"))
    }

    @Test(arguments: [nil, TLS1_2_VERSION])
    func clientWithACertificateFromTheCAIsAccepted(maximumVersion: Int32?) throws {
        let leaf = try certificates.makeLeaf("client", signedBy: clientAuthority)
        #expect(try handshake(maximumVersion: maximumVersion, clientLeaf: leaf) == .done(0))
    }

    @Test func clientWithACertificateFromAnotherCAIsRefused() throws {
        let stranger = try certificates.makeLeaf("stranger", signedBy: certificates.makeAuthority("other"))
        guard case .failed(let reason) = try handshake(clientLeaf: stranger) else {
            Issue.record("a client certificate from another CA was accepted")
            return
        }
        #expect(reason.contains("certificate verify failed"))
    }
}

// What the TLS layer is asked to serve: file paths, version floor, ALPN list.

/// A plain value owned by whoever builds the server (the command line) and copied into each
/// `TLSContext`; any thread. It does not read or check the files: `TLSContext.load` does.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file with the leaf certificate first, then any intermediates.
    public var certificatePath: String
    /// PEM file with the unencrypted private key (RSA or ECDSA) of the leaf certificate.
    public var privateKeyPath: String
    /// PEM file of CA certificates; when set, clients must present a certificate signed by one.
    public var clientCAPath: String?
    public var minimumVersion: TLSVersion
    /// ALPN protocols in server preference order; `["http/1.1"]` with --no-http2.
    public var alpnProtocols: [String]

    public init(
        certificatePath: String,
        privateKeyPath: String,
        clientCAPath: String? = nil,
        minimumVersion: TLSVersion = .tls12,
        alpnProtocols: [String] = ["h2", "http/1.1"]
    ) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.minimumVersion = minimumVersion
        self.alpnProtocols = alpnProtocols
    }
}

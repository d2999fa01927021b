// Every tunable of the transport, with the defaults of server.md.

/// The transport's settings, fixed at start. A value; any thread.
public struct ServerConfiguration: Sendable {
    /// TLS listen addresses (`HOST:PORT`, `[IPv6]:PORT`).
    public var listen: [String] = ["0.0.0.0:8443"]
    /// Plain-HTTP address for /metrics, /livez, /readyz; nil disables it.
    public var metricsListen: String? = "0.0.0.0:9090"
    public var tls: TLSConfiguration
    public var http2 = true
    public var threads = 1
    public var maxBodyBytes = 7_340_032
    public var maxHeaderBytes = 65_536
    public var maxConnections = 10_000
    public var idleTimeout: Double = 120
    /// A request must be complete this long after its first byte (408 otherwise).
    public var requestTimeout: Double = 10
    /// A TLS handshake must finish this long after accept.
    public var handshakeTimeout: Double = 10
    public var shutdownDelay: Double = 5
    public var shutdownTimeout: Double = 25
    /// How often certificate files are checked for new contents.
    public var reloadInterval: Double = 10

    public init(tls: TLSConfiguration) {
        self.tls = tls
    }
}

/// A failure to start (bad address, port in use); one line, for exit status 2.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Double {
    /// Seconds as monotonic nanoseconds, saturating.
    var nanoseconds: Int64 {
        let value = self * 1e9
        return value >= 9.2e18 ? .max : (value <= 0 ? 0 : Int64(value))
    }
}

// The lowest TLS protocol version the server accepts (--tls-min-version).

/// A value chosen on the command line and copied into `TLSConfiguration`; any thread.
/// It does not include versions below 1.2: the server never speaks them (server.md, TLS).
public enum TLSVersion: String, Sendable, CaseIterable {
    case tls12 = "1.2"
    case tls13 = "1.3"
}

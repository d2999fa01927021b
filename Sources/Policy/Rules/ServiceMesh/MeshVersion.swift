// Service Mesh control plane versions ("v2.4"): parsing, numeric order and the versions the policy knows.

/// A `vMAJOR.MINOR` Service Mesh version as written in `ServiceMeshControlPlane.spec.version`.
/// A value; any thread. Ordered numerically (v2.10 > v2.6). It deliberately knows no patch
/// level: `spec.version` names a minor stream, and doc §1.3's "2.0.5 or later" is the operator's
/// business within the v2.0 stream.
struct MeshVersion: Sendable, Comparable, CustomStringConvertible {
    let major: Int
    let minor: Int

    init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `vMAJOR.MINOR` exactly as the operator spells it (no leading zeros, no patch).
    /// With `requirePrefix: false` the `v` is optional (configuration values).
    init?(_ text: String, requirePrefix: Bool = true) {
        var body = Substring(text)
        if body.hasPrefix("v") {
            body = body.dropFirst()
        } else if requirePrefix {
            return nil
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Self.component(parts[0]), let minor = Self.component(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    private static func component(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if text.count > 1, text.first == "0" { return nil }
        return Int(text)
    }

    var description: String { "v\(major).\(minor)" }

    static func < (lhs: MeshVersion, rhs: MeshVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The versions policy.md lists: v1.1 and v2.0 … v2.6.
    static let supported: [MeshVersion] = [MeshVersion(major: 1, minor: 1)] + (0...6).map { MeshVersion(major: 2, minor: $0) }

    /// "v1.1, v2.0 … v2.6", for messages.
    static let supportedText = "v1.1, v2.0 … v2.6"
}

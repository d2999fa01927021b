// Versions of the C libraries the transport is linked against, for `version` and logs.
import COpenSSL
import CNghttp2

/// Facts about the linked C libraries. Read-only, any thread.
public enum LinkedLibraries {
    /// OpenSSL's version string, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var openSSL: String {
        guard let s = OpenSSL_version(Int32(OPENSSL_VERSION)) else { return "unknown" }
        return String(cString: s)
    }

    /// libnghttp2's version string, e.g. "1.52.0".
    public static var nghttp2: String {
        guard let info = nghttp2_version(0), let s = info.pointee.version_str else { return "unknown" }
        return String(cString: s)
    }
}

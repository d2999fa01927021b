// The `--config` file: read at startup (fatal if bad) and re-read when its contents change.
import Policy
#if canImport(Glibc)
import Glibc
#endif

/// The policy configuration file and the contents last seen. Used by the main thread only
/// (startup and the once-a-second poll of `serve`, and by `replay`/`check`). Compares
/// contents, not timestamps, so Kubernetes' ConfigMap symlink swap is noticed; a failed new
/// version is reported once, not every poll.
final class ConfigurationFile {
    enum Outcome {
        case unchanged
        case reloaded(PolicyConfiguration)
        case failed(String)
    }

    let path: String
    private var lastContents: [UInt8]

    /// Loads `path`; throws a one-line error naming the file and the key.
    init(path: String) throws(StartupError) {
        self.path = path
        guard let bytes = FileSystem.read(path) else {
            throw StartupError("cannot read --config \(path): \(String(cString: strerror(errno)))")
        }
        lastContents = bytes
        _ = try Self.parse(bytes, path: path)
    }

    /// The configuration as loaded at startup (parsed again; cheap).
    func current() throws(StartupError) -> PolicyConfiguration {
        try Self.parse(lastContents, path: path)
    }

    /// Re-reads the file; a changed and valid file is returned, a changed and invalid one
    /// reported (the caller keeps the previous configuration).
    func poll() -> Outcome {
        guard let bytes = FileSystem.read(path) else {
            let reason = String(cString: strerror(errno))
            return .failed("cannot read \(path): \(reason)")
        }
        guard bytes != lastContents else { return .unchanged }
        lastContents = bytes
        do {
            return .reloaded(try Self.parse(bytes, path: path))
        } catch {
            return .failed(error.description)
        }
    }

    private static func parse(_ bytes: [UInt8], path: String) throws(StartupError) -> PolicyConfiguration {
        do {
            return try PolicyConfiguration.load(yaml: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw StartupError("\(path): \(error.description)")
        }
    }
}

// Polls the certificate, key and client-CA files and builds a new TLSContext when they change.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owned and polled by one thread (the main thread's reload timer, at most every 10 s).
/// Compares a digest of the files' contents, not mtimes or inodes, so Kubernetes' `..data`
/// symlink swap and in-place rewrites are both seen. It does not swap the context into the
/// server, log, or count: its caller does that with the `Outcome`.
public final class CertificateReloader {
    public enum Outcome: Sendable {
        /// The files hold what was last seen (loaded or already reported as broken).
        case unchanged
        /// New contents that load: serve new handshakes with this context.
        case reloaded(TLSContext)
        /// New contents that do not load; keep the old context. Not repeated for the same
        /// contents, but any further change is tried again.
        case failed(TLSError)
    }

    private let configuration: TLSConfiguration
    /// What the files held at the last poll: a content digest, or the read error.
    private var lastSeen: Snapshot

    private enum Snapshot: Equatable {
        case contents([UInt8])
        case unreadable(TLSError)
    }

    /// Records the digest of the files `current` was built from.
    public init(configuration: TLSConfiguration, current: TLSContext) {
        self.configuration = configuration
        self.lastSeen = .contents(current.sourceDigest)
    }

    /// Reads the files once and acts on what changed since the last poll.
    public func poll(now: Int = Int(time(nil))) -> Outcome {
        let files: TLSSourceFiles
        do {
            files = try TLSSourceFiles.load(configuration)
        } catch {
            // A file missing mid-swap: report once per distinct error.
            return remember(.unreadable(error), outcome: .failed(error))
        }
        let snapshot = Snapshot.contents(files.digest)
        if snapshot == lastSeen { return .unchanged }
        do {
            return remember(snapshot, outcome: .reloaded(try TLSContext.load(configuration, files: files, now: now)))
        } catch {
            return remember(snapshot, outcome: .failed(error))
        }
    }

    private func remember(_ snapshot: Snapshot, outcome: Outcome) -> Outcome {
        if snapshot == lastSeen { return .unchanged }
        lastSeen = snapshot
        return outcome
    }
}

// `--record-dir`: writes each answered review as a replay fixture, Secret values redacted.
import Admission
import Policy
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes `<time>-<uid>.request.json` and `.response.json` into a directory. Called on
/// event-loop threads; each file is written with plain POSIX calls (a blocking write on the
/// loop: recording is a diagnostic mode for collecting fixtures, not for production load).
/// Secret `data`/`stringData` values are redacted before anything touches the disk.
final class ReviewRecorder: Sendable {
    let directory: String
    private let sequence = Atomic<Int>(0)

    init(directory: String) throws(StartupError) {
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, access(directory, W_OK) == 0 else {
            throw StartupError("--record-dir \(directory) is not a writable directory")
        }
        self.directory = directory
    }

    func record(request body: [UInt8], result: AdmissionResult) {
        let redacted: [UInt8]
        if let json = try? JSONParser.parse(body) {
            redacted = AdmissionReviewRedactor.redactSecrets(json).serialized()
        } else {
            return
        }
        let n = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let uid = String(result.review.request.uid.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }.prefix(64))
        let base = "\(directory)/\(Self.fileTimestamp())-\(n)-\(uid)"
        Self.write(redacted, to: base + ".request.json")
        Self.write(result.body, to: base + ".response.json")
    }

    private static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// `20261127T091032Z`.
    private static func fileTimestamp() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)\(pad(parts.tm_mon + 1))\(pad(parts.tm_mday))T\(pad(parts.tm_hour))\(pad(parts.tm_min))\(pad(parts.tm_sec))Z"
    }
}

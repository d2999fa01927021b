// A swift-log handler writing one JSON object per line to stdout.
import Admission
import HTTPServer
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes `{"time":…,"level":…,"message":…,<metadata>}` lines to stdout. Any thread; a line is
/// written with one write(2) under a lock so lines never interleave. It never logs request
/// bodies: callers pass only the fields they mean to show.
struct JSONLogHandler: LogHandler {
    private static let outputLock = Mutex(())
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let fd: Int32

    init(label: String, level: Logger.Level, fd: Int32 = 1) {
        self.label = label
        self.logLevel = level
        self.fd = fd
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = JSONWriter(reservingCapacity: 512)
        line.appendRaw("{\"time\":\"")
        line.appendRaw(Self.timestamp())
        line.appendRaw("\",\"level\":\"")
        line.appendRaw(event.level.rawValue)
        line.appendRaw("\",\"message\":")
        line.append(string: event.message.description)
        let fields: Logger.Metadata
        if let extra = event.metadata, !extra.isEmpty {
            fields = metadata.isEmpty ? extra : metadata.merging(extra) { $1 }
        } else {
            fields = metadata
        }
        for key in fields.keys.sorted() {
            guard let value = fields[key] else { continue }
            line.appendRaw(",")
            line.append(string: key)
            line.appendRaw(":")
            Self.render(value, into: &line)
        }
        line.appendRaw("}\n")
        Self.outputLock.withLock { _ in
            line.bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
    }

    private static func render(_ value: Logger.Metadata.Value, into line: inout JSONWriter) {
        switch value {
        case .string(let s):
            line.append(string: s)
        case .stringConvertible(let c):
            line.append(string: c.description)
        case .array(let items):
            line.appendRaw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { line.appendRaw(",") }
                render(item, into: &line)
            }
            line.appendRaw("]")
        case .dictionary(let dict):
            line.appendRaw("{")
            for (i, key) in dict.keys.sorted().enumerated() {
                guard let item = dict[key] else { continue }
                if i > 0 { line.appendRaw(",") }
                line.append(string: key)
                line.appendRaw(":")
                render(item, into: &line)
            }
            line.appendRaw("}")
        }
    }

    /// RFC 3339 UTC with milliseconds, e.g. 2026-11-27T09:10:32.123Z.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

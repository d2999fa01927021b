// Reads and clears OpenSSL's thread-local error queue as one line of text.
import COpenSSL

/// Stateless helpers called on whichever thread made the failing OpenSSL call (the queue is
/// per thread). It does not decide what an error means; callers do.
enum OpenSSLErrorQueue {
    /// The reason strings of every queued error, oldest (usually the root cause) first, joined
    /// by "; ", and the queue emptied. `nil` when the queue was empty.
    static func drain() -> String? {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// `drain()` for an error message: never empty.
    static func drainDescription(fallback: String = "unknown OpenSSL error") -> String {
        drain() ?? fallback
    }
}

// Why a policy configuration file was rejected: one line naming the key and, when known, the line.
import Yams

/// A configuration that cannot be used: `knativeService.gpu.maxPerService: expected an
/// integer, got "many"`, `unknown key knativeService.gpu.maxPerServce (did you mean
/// maxPerService?)`, prefixed with `line N: ` when the YAML position is known.
///
/// Thrown by `PolicyConfiguration.load(yaml:)`; owned by the caller (startup exits 2 with it,
/// a reload logs it and keeps the previous configuration). A value; any thread. It quotes only
/// the offending scalar of the configuration file (never the file itself), truncated.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted path of the offending key (`knativeService.gpu.maxPerService`,
    /// `rules.disabled[2]`); empty when the problem is the document itself.
    public let key: String
    /// The one-line message without the line prefix.
    public let message: String
    /// The 1-based YAML line, when the parser reported one.
    public let line: Int?

    public init(key: String, message: String, line: Int? = nil) {
        self.key = key
        self.message = Self.oneLine(message)
        self.line = line
    }

    /// The message with line breaks and other control characters escaped (`\n`, `\u{85}`):
    /// keys, rule IDs and duplicate keys are quoted from the file as written, and a YAML
    /// scalar may hold line breaks, yet startup must print exactly one line (found by fuzzing).
    static func oneLine(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: isLineBreaking) else { return message }
        var out = ""
        for scalar in message.unicodeScalars {
            if scalar == "\n" {
                out += "\\n"
            } else if isLineBreaking(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isLineBreaking(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `line 12: knativeService.gpu.maxPerService: expected an integer, got "many"`.
    public var description: String { line.map { "line \($0): \(message)" } ?? message }

    // MARK: - The messages, in one place

    /// `<key>: <problem>`.
    static func invalid(_ key: String, _ problem: String, at mark: Mark?) -> ConfigurationError {
        ConfigurationError(key: key, message: key.isEmpty ? problem : "\(key): \(problem)", line: mark?.line)
    }

    /// `unknown key <key> (did you mean <suggestion>?)`.
    static func unknownKey(_ key: String, suggestion: String?, at mark: Mark?) -> ConfigurationError {
        let hint = suggestion.map { " (did you mean \($0)?)" } ?? ""
        return ConfigurationError(key: key, message: "unknown key \(key)\(hint)", line: mark?.line)
    }

    /// A file Yams cannot parse, reduced to one line.
    static func yaml(_ error: any Error) -> ConfigurationError {
        guard let yamlError = error as? YamlError else {
            return ConfigurationError(key: "", message: "not valid YAML: \(firstLine(String(describing: error)))")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) (line \($0.mark.line)): " } ?? ""
            return ConfigurationError(key: "", message: "not valid YAML: \(prefix)\(problem)", line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().joined(separator: ", ")
            return ConfigurationError(key: "", message: "duplicate key \(keys) in one mapping", line: context.mark.line)
        default:
            return ConfigurationError(key: "", message: "not valid YAML: \(firstLine(String(describing: yamlError)))")
        }
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? "")
    }

    /// The closest of `candidates` to `word` (edit distance at most 2, or a case-only
    /// difference), for "did you mean" hints; nil when none is close.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        let lowered = word.lowercased()
        for candidate in candidates {
            if candidate.lowercased() == lowered { return candidate }
            let distance = editDistance(Array(lowered), Array(candidate.lowercased()))
            if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Levenshtein distance (insert, delete, substitute), O(a·b) for the short keys we compare.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

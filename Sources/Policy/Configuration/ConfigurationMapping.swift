// Typed, path-aware reads of one YAML mapping of the configuration file (Yams `Node` API).
import Yams

/// One mapping of the configuration file with the dotted path that leads to it: reads each
/// key as the type the configuration declares and turns every mismatch into a
/// `ConfigurationError` naming the full key path and the YAML line.
///
/// Built and used by `PolicyConfiguration.load(yaml:)` on the loading thread, then dropped.
/// A null value (`key:` with nothing, `~`) reads as absent, so the default applies. Scalars are
/// typed by YAML's resolution, so a quoted `"3"` is a string, not an integer, and only
/// `true`/`false` (any case form) are booleans, not YAML 1.1's `yes`/`on`. It deliberately
/// knows no key names or defaults: those are in `PolicyConfiguration+Loading.swift`.
struct ConfigurationMapping {
    let path: String
    private let entries: [(key: String, keyMark: Mark?, value: Node)]

    init(_ node: Node, path: String) throws(ConfigurationError) {
        guard case .mapping(let mapping) = node else {
            throw .invalid(path, "expected a mapping, got \(ConfigurationMapping.describe(node))", at: node.mark)
        }
        var entries: [(key: String, keyMark: Mark?, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw .invalid(path, "keys must be strings, got \(ConfigurationMapping.describe(keyNode))", at: keyNode.mark)
            }
            entries.append((scalar.string, keyNode.mark, value))
        }
        self.path = path
        self.entries = entries
    }

    /// `path.key`, or `key` at the top level.
    func fullPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects the first key not in `known`, suggesting the closest known one.
    func requireKnownKeys(_ known: [String]) throws(ConfigurationError) {
        for entry in entries where !known.contains(entry.key) {
            let suggestion = ConfigurationError.suggestion(for: entry.key, among: known)
            throw .unknownKey(fullPath(entry.key), suggestion: suggestion, at: entry.keyMark)
        }
    }

    /// The value of `key`; nil when absent or null.
    func node(_ key: String) -> Node? {
        guard let entry = entries.first(where: { $0.key == key }), !ConfigurationMapping.isNull(entry.value) else { return nil }
        return entry.value
    }

    // MARK: - Typed reads of one key

    func mapping(_ key: String) throws(ConfigurationError) -> ConfigurationMapping? {
        guard let node = node(key) else { return nil }
        return try ConfigurationMapping(node, path: fullPath(key))
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        try node(key).map { n throws(ConfigurationError) in try ConfigurationMapping.string(n, fullPath(key)) }
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        try node(key).map { n throws(ConfigurationError) in try ConfigurationMapping.bool(n, fullPath(key)) }
    }

    func integer(_ key: String) throws(ConfigurationError) -> Int? {
        try node(key).map { n throws(ConfigurationError) in try ConfigurationMapping.integer(n, fullPath(key)) }
    }

    /// One of an enumeration's raw values: `integration: must be mesh-ingress or kourier, got "istio"`.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws(ConfigurationError) -> T? where T.RawValue == String {
        guard let node = node(key) else { return nil }
        if case .scalar(let scalar) = node, node.tag.description == Tag.Name.str.rawValue, let value = T(rawValue: scalar.string) {
            return value
        }
        let names = T.allCases.map(\.rawValue)
        let list = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        throw .invalid(fullPath(key), "must be \(list), got \(ConfigurationMapping.describe(node))", at: node.mark)
    }

    /// A list of strings; each element checked by `check` (a problem text, or nil when fine).
    func strings(_ key: String, check: (String) -> String? = { _ in nil }) throws(ConfigurationError) -> [String]? {
        try list(key) { n, p throws(ConfigurationError) in
            let value = try ConfigurationMapping.string(n, p)
            if let problem = check(value) { throw .invalid(p, problem, at: n.mark) }
            return value
        }
    }

    /// A list of integers; each element checked by `check`.
    func integers(_ key: String, check: (Int) -> String? = { _ in nil }) throws(ConfigurationError) -> [Int]? {
        try list(key) { n, p throws(ConfigurationError) in
            let value = try ConfigurationMapping.integer(n, p)
            if let problem = check(value) { throw .invalid(p, problem, at: n.mark) }
            return value
        }
    }

    /// A mapping of strings to strings (a label selector); keys checked by `checkKey`.
    func stringMap(_ key: String, checkKey: (String) -> String? = { _ in nil }) throws(ConfigurationError) -> [String: String]? {
        guard let inner = try mapping(key) else { return nil }
        var result: [String: String] = [:]
        for entry in inner.entries {
            let entryPath = inner.fullPath(entry.key)
            if let problem = checkKey(entry.key) { throw .invalid(entryPath, problem, at: entry.keyMark) }
            guard !ConfigurationMapping.isNull(entry.value) else {
                throw .invalid(entryPath, "expected a string, got null", at: entry.value.mark ?? entry.keyMark)
            }
            result[entry.key] = try ConfigurationMapping.string(entry.value, entryPath)
        }
        return result
    }

    private func list<T>(_ key: String, _ element: (Node, String) throws(ConfigurationError) -> T) throws(ConfigurationError) -> [T]? {
        guard let node = node(key) else { return nil }
        let listPath = fullPath(key)
        guard case .sequence(let sequence) = node else {
            throw .invalid(listPath, "expected a list, got \(ConfigurationMapping.describe(node))", at: node.mark)
        }
        var result: [T] = []
        for (n, item) in sequence.enumerated() {
            let itemPath = "\(listPath)[\(n)]"
            guard !ConfigurationMapping.isNull(item) else { throw .invalid(itemPath, "must not be null", at: item.mark) }
            result.append(try element(item, itemPath))
        }
        return result
    }

    // MARK: - Scalars

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return node.tag.description == Tag.Name.null.rawValue
    }

    static func string(_ node: Node, _ path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, node.tag.description == Tag.Name.str.rawValue else {
            throw .invalid(path, "expected a string, got \(describe(node))", at: node.mark)
        }
        return scalar.string
    }

    static func bool(_ node: Node, _ path: String) throws(ConfigurationError) -> Bool {
        if case .scalar(let scalar) = node, node.tag.description == Tag.Name.bool.rawValue {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw .invalid(path, "expected true or false, got \(describe(node))", at: node.mark)
    }

    static func integer(_ node: Node, _ path: String) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, node.tag.description == Tag.Name.int.rawValue, let value = Int(scalar.string) else {
            throw .invalid(path, "expected an integer, got \(describe(node))", at: node.mark)
        }
        return value
    }

    /// How a value appears in a message: a quoted string, a plain scalar, or its shape.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string.count > 64 ? String(scalar.string.prefix(64)) + "…" : scalar.string
            let oneLine = FindingText.escaped(text)
            switch node.tag.description {
            case Tag.Name.str.rawValue: return "\"\(oneLine)\""
            case Tag.Name.null.rawValue: return "null"
            default: return oneLine
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

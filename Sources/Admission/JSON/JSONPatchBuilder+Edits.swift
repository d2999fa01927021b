// The patch builder's record of changed values, indexed by path so that thousands of writes stay linear.

extension JSONPatchBuilder {
    /// The values the operations changed, keyed by path, each materialised with every change
    /// inside it applied. No path is a prefix of another. Exact lookups and "is anything
    /// below this path" are hash lookups (`below` counts the entries under every proper
    /// prefix), so a patch of 20,000 operations (a GPU limit per container) costs linear time,
    /// not a scan of every earlier edit per step. Paths compare by UTF-8 bytes, as keys do.
    ///
    /// Owned by one `JSONPatchBuilder` (a value); one thread at a time.
    struct Edits: Sendable {
        private var entries: [PathKey: Entry] = [:]
        private var below: [PathKey: Int] = [:]
        private var nextOrder = 0

        private struct Entry: Sendable {
            var path: [String]
            var value: JSONValue
            /// When the path was first edited: entries below one path are applied in this
            /// order, so new members land where `document` puts them.
            var order: Int
        }

        var isEmpty: Bool { entries.isEmpty }

        /// The value edited exactly at `path`, if any.
        func value(at path: ArraySlice<String>) -> JSONValue? {
            entries.isEmpty ? nil : entries[PathKey(path)]?.value
        }

        /// The length of the edited path that is `path` or one of its prefixes, if any.
        func prefixLength(of path: ArraySlice<String>) -> Int? {
            guard !entries.isEmpty else { return nil }
            for length in 0...path.count where entries[PathKey(path.prefix(length))] != nil { return length }
            return nil
        }

        /// Whether an edit lies strictly below `path`.
        func hasEdits(below path: ArraySlice<String>) -> Bool {
            !below.isEmpty && below[PathKey(path)] != nil
        }

        /// The edits strictly below `path`, in the order they were first made.
        func edits(below path: ArraySlice<String>) -> [(path: [String], value: JSONValue)] {
            guard hasEdits(below: path) else { return [] }
            return entries.values
                .filter { $0.path.count > path.count && $0.path.starts(with: path, by: utf8Equal) }
                .sorted { $0.order < $1.order }
                .map { ($0.path, $0.value) }
        }

        /// Changes the value edited at the prefix of `path` that is `length` long.
        mutating func modify<E: Error>(prefixOf path: [String], length: Int, _ body: (inout JSONValue) throws(E) -> Void) throws(E) {
            let key = PathKey(path.prefix(length))
            guard var entry = entries.removeValue(forKey: key) else { return }
            defer { entries[key] = entry }
            try body(&entry.value)
        }

        /// Records `value` at `path`: in place (keeping its order) if edited before, else as a
        /// new entry replacing any edits below it.
        mutating func set(_ path: [String], _ value: JSONValue) {
            let key = PathKey(path[...])
            if entries[key] != nil {
                entries[key]?.value = value
                return
            }
            removeEdits(below: path[...])
            entries[key] = Entry(path: path, value: value, order: nextOrder)
            nextOrder += 1
            for length in 0..<path.count { below[PathKey(path.prefix(length)), default: 0] += 1 }
        }

        /// Forgets the edits strictly below `path` (they are now inside a value edited at it).
        mutating func removeEdits(below path: ArraySlice<String>) {
            for edit in edits(below: path) {
                entries[PathKey(edit.path[...])] = nil
                for length in 0..<edit.path.count {
                    let key = PathKey(edit.path.prefix(length))
                    if let count = below[key], count > 1 { below[key] = count - 1 } else { below[key] = nil }
                }
            }
        }
    }

    /// A path as a dictionary key: hashed and compared by its tokens' UTF-8 bytes. Holds a
    /// slice, so making one for a prefix copies nothing.
    struct PathKey: Hashable, Sendable {
        let tokens: ArraySlice<String>

        init(_ tokens: ArraySlice<String>) { self.tokens = tokens }

        static func == (lhs: PathKey, rhs: PathKey) -> Bool {
            lhs.tokens.count == rhs.tokens.count && lhs.tokens.elementsEqual(rhs.tokens, by: utf8Equal)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(tokens.count)
            for token in tokens { JSONKey(token).hash(into: &hasher) }
        }
    }
}

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
        /// Up to `linearLimit` edits (every admission rule's case) live in `few` and are found by
        /// a scan; beyond that they move, for good, to the hashed `entries`/`below`.
        private var few: [Entry] = []
        private var entries: [PathKey: Entry] = [:]
        private var below: [PathKey: Int] = [:]
        private var hashed = false
        private var nextOrder = 0
        static let linearLimit = 8

        private struct Entry: Sendable {
            var path: [String]
            var value: JSONValue
            /// When the path was first edited: entries below one path are applied in this
            /// order, so new members land where `document` puts them.
            var order: Int
        }

        var isEmpty: Bool { hashed ? entries.isEmpty : few.isEmpty }

        /// The value edited exactly at `path`, if any.
        func value(at path: ArraySlice<String>) -> JSONValue? {
            if !hashed {
                return few.first { Self.same($0.path[...], path) }?.value
            }
            return entries.isEmpty ? nil : entries[PathKey(path)]?.value
        }

        /// The length of the edited path that is `path` or one of its prefixes, if any.
        func prefixLength(of path: ArraySlice<String>) -> Int? {
            if !hashed {
                return few.first { $0.path.count <= path.count && Self.same($0.path[...], path.prefix($0.path.count)) }?.path.count
            }
            guard !entries.isEmpty else { return nil }
            for length in 0...path.count where entries[PathKey(path.prefix(length))] != nil { return length }
            return nil
        }

        /// Whether an edit lies at `path`, at one of its prefixes, or strictly below it: whether
        /// `path` or anything inside it may read differently from the original.
        func touches(_ path: ArraySlice<String>) -> Bool {
            if !hashed {
                return few.contains {
                    let n = Swift.min($0.path.count, path.count)
                    return Self.same($0.path.prefix(n), path.prefix(n))
                }
            }
            return prefixLength(of: path) != nil || hasEdits(below: path)
        }

        /// Whether an edit lies strictly below `path`.
        func hasEdits(below path: ArraySlice<String>) -> Bool {
            if !hashed {
                return few.contains { $0.path.count > path.count && Self.same($0.path.prefix(path.count), path) }
            }
            return !below.isEmpty && below[PathKey(path)] != nil
        }

        /// The edits strictly below `path`, in the order they were first made.
        func edits(below path: ArraySlice<String>) -> [(path: [String], value: JSONValue)] {
            guard hasEdits(below: path) else { return [] }
            let all = hashed ? Array(entries.values) : few
            return all
                .filter { $0.path.count > path.count && Self.same($0.path.prefix(path.count), path) }
                .sorted { $0.order < $1.order }
                .map { ($0.path, $0.value) }
        }

        /// Changes the value edited at the prefix of `path` that is `length` long.
        mutating func modify<E: Error>(prefixOf path: [String], length: Int, _ body: (inout JSONValue) throws(E) -> Void) throws(E) {
            if !hashed {
                guard let i = few.firstIndex(where: { Self.same($0.path[...], path.prefix(length)) }) else { return }
                try body(&few[i].value)
                return
            }
            let key = PathKey(path.prefix(length))
            guard var entry = entries.removeValue(forKey: key) else { return }
            defer { entries[key] = entry }
            try body(&entry.value)
        }

        /// Records `value` at `path`: in place (keeping its order) if edited before, else as a
        /// new entry replacing any edits below it.
        mutating func set(_ path: [String], _ value: JSONValue) {
            if !hashed {
                if let i = few.firstIndex(where: { Self.same($0.path[...], path[...]) }) {
                    few[i].value = value
                    return
                }
                if few.contains(where: { $0.path.count > path.count }) {
                    few.removeAll { $0.path.count > path.count && Self.same($0.path.prefix(path.count), path[...]) }
                }
                insertNew(path, value)
                return
            }
            let key = PathKey(path[...])
            if entries[key] != nil {
                entries[key]?.value = value
                return
            }
            removeEdits(below: path[...])
            insertNew(path, value)
        }

        /// `set` for a path that `touches` says is free (no edit at, above or below it): a new
        /// entry, without `set`'s searches for one to update or to remove.
        mutating func insertNew(_ path: [String], _ value: JSONValue) {
            guard !hashed else {
                insertHashed(Entry(path: path, value: value, order: nextOrder))
                nextOrder += 1
                return
            }
            if few.isEmpty { few.reserveCapacity(Self.linearLimit + 1) }
            few.append(Entry(path: path, value: value, order: nextOrder))
            nextOrder += 1
            if few.count > Self.linearLimit {
                hashed = true
                for entry in few { insertHashed(entry) }
                few = []
            }
        }

        private mutating func insertHashed(_ entry: Entry) {
            entries[PathKey(entry.path[...])] = entry
            for length in 0..<entry.path.count { below[PathKey(entry.path.prefix(length)), default: 0] += 1 }
        }

        /// Forgets the edits strictly below `path` (they are now inside a value edited at it).
        mutating func removeEdits(below path: ArraySlice<String>) {
            guard hashed else {
                few.removeAll { $0.path.count > path.count && Self.same($0.path.prefix(path.count), path) }
                return
            }
            for edit in edits(below: path) {
                entries[PathKey(edit.path[...])] = nil
                for length in 0..<edit.path.count {
                    let key = PathKey(edit.path.prefix(length))
                    if let count = below[key], count > 1 { below[key] = count - 1 } else { below[key] = nil }
                }
            }
        }

        /// Path equality by UTF-8 bytes, last token first (where sibling paths differ).
        @inline(__always)
        static func same(_ a: ArraySlice<String>, _ b: ArraySlice<String>) -> Bool {
            guard a.count == b.count else { return false }
            guard let lastA = a.last, let lastB = b.last else { return true }
            return utf8Equal(lastA, lastB) && a.elementsEqual(b, by: utf8Equal)
        }
    }

    /// A path as a dictionary key: compared by its tokens' UTF-8 bytes. Holds a slice, so
    /// making one for a prefix copies nothing.
    struct PathKey: Hashable, Sendable {
        let tokens: ArraySlice<String>

        init(_ tokens: ArraySlice<String>) { self.tokens = tokens }

        static func == (lhs: PathKey, rhs: PathKey) -> Bool {
            lhs.tokens.count == rhs.tokens.count && lhs.tokens.elementsEqual(rhs.tokens, by: utf8Equal)
        }

        /// Every token: many edits may share a length and a last token (a GPU limit in each
        /// of 20,000 containers), so hashing less would make them collide.
        func hash(into hasher: inout Hasher) {
            hasher.combine(tokens.count)
            for token in tokens { JSONKey(token).hash(into: &hasher) }
        }
    }
}

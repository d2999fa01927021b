// The RFC 6902 applier: add, remove, replace, move, copy and test, all or nothing.

extension JSONPatch {
    /// Applies this patch to `document` and returns the result (RFC 6902 §5: on any error the
    /// whole patch fails and the input is untouched, since it is a value).
    public func apply(to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        try JSONPatch.apply(operations, to: document)
    }

    /// Applies `operations` in order (RFC 6902 §3) to a copy of `document`.
    public static func apply(_ operations: [JSONPatchOperation], to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var result = document
        for (n, operation) in operations.enumerated() {
            do {
                try apply(operation, to: &result)
            } catch {
                throw JSONPatchError(message: "operation \(n) (\(operation.op) \(operation.path)): \(error.message)")
            }
        }
        return result
    }

    static func apply(_ operation: JSONPatchOperation, to document: inout JSONValue) throws(JSONPatchError) {
        switch operation {
        case .add(let path, let value):
            try add(value, at: path, in: &document)
        case .remove(let path):
            _ = try remove(at: path, in: &document)
        case .replace(let path, let value):
            // §4.3: the target location MUST exist; then it is as remove followed by add.
            try modify(&document, path.tokens[...]) { (target: inout JSONValue) throws(JSONPatchError) in target = value }
        case .move(let from, let path):
            // §4.4: "from" MUST NOT be a proper prefix of "path" (no moving a value into its own child).
            guard !from.isProperPrefix(of: path) else { throw JSONPatchError(message: "cannot move a value into one of its children") }
            if from == path {
                guard document.value(at: from) != nil else { throw JSONPatchError(message: "\"from\" \(from) does not exist") }
                return
            }
            let value = try remove(at: from, in: &document)
            try add(value, at: path, in: &document)
        case .copy(let from, let path):
            guard let value = document.value(at: from) else { throw JSONPatchError(message: "\"from\" \(from) does not exist") }
            try add(value, at: path, in: &document)
        case .test(let path, let expected):
            // §4.6: equal by JSON value (numbers numerically, objects ignoring member order).
            guard let actual = document.value(at: path) else { throw JSONPatchError(message: "path does not exist") }
            guard actual.isJSONEqual(to: expected) else { throw JSONPatchError(message: "test failed: value differs") }
        }
    }

    /// RFC 6902 §4.1: the root is replaced; an object member is added or replaced; an array
    /// element is inserted at an index ≤ count, or appended for "-". The parent must exist.
    static func add(_ value: JSONValue, at path: JSONPointer, in document: inout JSONValue) throws(JSONPatchError) {
        guard let last = path.tokens.last else {
            document = value
            return
        }
        try modify(&document, path.tokens.dropLast()) { (parent: inout JSONValue) throws(JSONPatchError) in
            if case .object(var object) = parent {
                parent = .null  // `object` uniquely referenced while it changes
                object.set(last, to: value)
                parent = .object(object)
                return
            }
            guard case .array(var array) = parent else { throw JSONPatchError(message: "the parent is not an object or array") }
            let index: Int
            if last == "-" {
                index = array.count
            } else {
                guard let i = JSONPointer.arrayIndex(last), i <= array.count else {
                    throw JSONPatchError(message: "array index \"\(last)\" is out of range or malformed")
                }
                index = i
            }
            parent = .null
            array.insert(value, at: index)
            parent = .array(array)
        }
    }

    /// RFC 6902 §4.2: the target location MUST exist. Returns the removed value.
    static func remove(at path: JSONPointer, in document: inout JSONValue) throws(JSONPatchError) -> JSONValue {
        guard let last = path.tokens.last else { throw JSONPatchError(message: "cannot remove the whole document") }
        return try modify(&document, path.tokens.dropLast()) { (parent: inout JSONValue) throws(JSONPatchError) -> JSONValue in
            if case .object(var object) = parent {
                parent = .null  // `object` uniquely referenced while it changes
                defer { parent = .object(object) }
                guard let removed = object.removeValue(forKey: last) else { throw JSONPatchError(message: "path does not exist") }
                return removed
            }
            guard case .array(var array) = parent else { throw JSONPatchError(message: "path does not exist") }
            guard let i = JSONPointer.arrayIndex(last), i < array.count else {
                throw JSONPatchError(message: "array index \"\(last)\" is out of range or malformed")
            }
            parent = .null
            defer { parent = .array(array) }
            return array.remove(at: i)
        }
    }

    /// Walks `tokens` from `value` and lends the target to `body` in place (containers on the
    /// way are detached while borrowed, so no copy-on-write of the whole document happens).
    /// Every token must resolve: an object key that exists, an array index below the count.
    static func modify<R>(
        _ value: inout JSONValue, _ tokens: ArraySlice<String>, _ body: (inout JSONValue) throws(JSONPatchError) -> R
    ) throws(JSONPatchError) -> R {
        guard let first = tokens.first else { return try body(&value) }
        let rest = tokens.dropFirst()
        // `if case` + `value = .null` leaves the bound container as its only reference, so it
        // changes in place. (A `switch value` keeps its subject alive to the end of the switch:
        // every step then copied the whole container, quadratic on long arrays.)
        if case .object(var object) = value {
            value = .null
            defer { value = .object(object) }
            let result = try object.modifyValue(forKey: first) { (child: inout JSONValue) throws(JSONPatchError) -> R in
                try modify(&child, rest, body)
            }
            guard let result else { throw JSONPatchError(message: "path does not exist (no member \"\(first)\")") }
            return result
        }
        if case .array(var array) = value {
            guard let i = JSONPointer.arrayIndex(first), i < array.count else {
                throw JSONPatchError(message: "path does not exist (array index \"\(first)\")")
            }
            value = .null
            defer { value = .array(array) }
            return try modify(&array[i], rest, body)
        }
        throw JSONPatchError(message: "path does not exist (\"\(first)\" inside a scalar)")
    }
}

extension JSONValue {
    /// JSON equality as RFC 6902 §4.6 defines it for `test`: like `==`, but numbers compare by
    /// mathematical value ("1" equals "1.0").
    public func isJSONEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case let (.number(a), .number(b)): return a.isNumericallyEqual(to: b)
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isJSONEqual(to: $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for member in a {
                guard let theirs = b[member.key], member.value.isJSONEqual(to: theirs) else { return false }
            }
            return true
        default: return self == other
        }
    }
}

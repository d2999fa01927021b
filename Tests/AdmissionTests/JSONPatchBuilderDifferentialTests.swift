// Differential test: JSONPatchBuilder (original view + edited values) against the builder it replaced.
import Testing
@testable import Admission

// MARK: - The reference: the builder as of f127579, verbatim but for its name

/// `JSONPatchBuilder` as it was before it kept the original as a `JSONView` (commit f127579,
/// `Sources/Admission/JSON/JSONPatchBuilder.swift`): a whole `JSONValue` document to which every
/// operation is applied. Only the name (and the type's `public` and doc comment) differ.
/// Owned by one test; a value.
struct ReferencePatchBuilder: Sendable {
    /// The document with every operation so far applied.
    public private(set) var document: JSONValue
    /// The operations so far, in order.
    public private(set) var operations: [JSONPatchOperation] = []

    public init(original: JSONValue) { self.document = original }

    public var isEmpty: Bool { operations.isEmpty }
    public var patch: JSONPatch { JSONPatch(operations) }

    /// Makes the value at `path` equal `value`, creating missing parent maps first.
    public mutating func set(_ path: [String], to value: JSONValue) throws(JSONPatchError) {
        guard let leaf = path.last else { throw JSONPatchError(message: "cannot set the whole document") }
        let parentPath = Array(path.dropLast())
        try ensureObject(parentPath, allowArray: true)
        let pointer = JSONPointer(tokens: path)
        switch document[path: parentPath] {
        case .object(let parent):
            if let existing = parent[leaf], !existing.isNull {
                if existing == value { return }
                if case .object = existing {
                    throw JSONPatchError(message: "refusing to replace the existing map at \(pointer)")
                }
                try emit(.replace(path: pointer, value: value))
            } else {
                try emit(.add(path: pointer, value: value))
            }
        case .array(let parent):
            if leaf == "-" {
                try emit(.add(path: pointer, value: value))
            } else if let index = JSONPointer.arrayIndex(leaf), index <= parent.count {
                if index == parent.count {
                    try emit(.add(path: pointer, value: value))
                } else if parent[index] != value {
                    if case .object = parent[index] {
                        throw JSONPatchError(message: "refusing to replace the existing map at \(pointer)")
                    }
                    try emit(.replace(path: pointer, value: value))
                }
            } else {
                throw JSONPatchError(message: "array index \"\(leaf)\" of \(pointer) is out of range or malformed")
            }
        default:
            throw JSONPatchError(message: "the parent of \(pointer) is not an object")
        }
    }

    /// Makes sure `path` names a map, adding `{}` for it and each missing (or null) ancestor.
    public mutating func ensureObject(_ path: [String]) throws(JSONPatchError) {
        try ensureObject(path, allowArray: false)
    }

    /// Removes the value at `path` if it is present; nothing if it is absent.
    public mutating func remove(_ path: [String]) throws(JSONPatchError) {
        guard !path.isEmpty else { throw JSONPatchError(message: "cannot remove the whole document") }
        guard document[path: path] != nil else { return }
        try emit(.remove(path: JSONPointer(tokens: path)))
    }

    /// Walks `path` from the root: existing objects (and, as steps, arrays with an existing
    /// index) are kept; a missing or null member of an object becomes `add {}`; anything else throws.
    /// The node at the end of `path` must be an object (or, with `allowArray`, an array).
    private mutating func ensureObject(_ path: [String], allowArray: Bool) throws(JSONPatchError) {
        var current = document
        for (depth, token) in path.enumerated() {
            // Built only when an operation or an error needs it (this walk runs for every set).
            var here: JSONPointer { JSONPointer(tokens: Array(path[...depth])) }
            switch current {
            case .object(let object):
                if let child = object[token], !child.isNull {
                    current = child
                } else {
                    try emit(.add(path: here, value: .object(JSONObject())))
                    current = .object(JSONObject())
                }
            case .array(let array):
                guard let index = JSONPointer.arrayIndex(token), index < array.count else {
                    throw JSONPatchError(message: "array index \"\(token)\" of \(here) does not exist")
                }
                current = array[index]
            default:
                throw JSONPatchError(message: "\(JSONPointer(tokens: Array(path[..<depth]))) exists but is not an object")
            }
        }
        switch current {
        case .object: return
        case .array where allowArray: return
        default: throw JSONPatchError(message: "\(JSONPointer(tokens: path)) exists but is not an object")
        }
    }

    private mutating func emit(_ operation: JSONPatchOperation) throws(JSONPatchError) {
        try JSONPatch.apply(operation, to: &document)
        operations.append(operation)
    }
}

// MARK: - Calls, and the two builders side by side

/// One call a rule makes on a builder. A value; owned by one test.
enum BuilderCall: CustomStringConvertible {
    case set([String], JSONValue)
    /// `set(_: JSONPath, to:)`: the static-path form, which must answer as `set` does.
    case setStatic([String], JSONValue)
    case ensureObject([String])
    case remove([String])
    /// `value(at:)`, compared with the reference's `document[path:]` (null read as absent).
    case read([String])

    var description: String {
        func p(_ path: [String]) -> String { "[" + path.map(\.debugDescription).joined(separator: ", ") + "]" }
        switch self {
        case .set(let path, let value): return "set(\(p(path)), to: \(String(decoding: value.serialized(), as: UTF8.self)))"
        case .setStatic(let path, let value): return "set(JSONPath(\(p(path))), to: \(String(decoding: value.serialized(), as: UTF8.self)))"
        case .ensureObject(let path): return "ensureObject(\(p(path)))"
        case .remove(let path): return "remove(\(p(path)))"
        case .read(let path): return "value(at: \(p(path)))"
        }
    }
}

/// What one call did, for the coverage counts.
enum BuilderCallOutcome { case threw, emitted, unchanged, readSomething, readNothing }

/// The new builder and the reference, fed the same calls. Owned by one test case; a value.
struct BuilderPair {
    var builder: JSONPatchBuilder
    var reference: ReferencePatchBuilder

    /// Runs `call` on both; the outcome, or the first difference between them.
    mutating func run(_ call: BuilderCall) -> Result<BuilderCallOutcome, BuilderDifference> {
        let before = reference.operations.count
        var ours: JSONPatchError?
        var theirs: JSONPatchError?
        switch call {
        case .set(let path, let value):
            do { try builder.set(path, to: value) } catch { ours = error }
            do { try reference.set(path, to: value) } catch { theirs = error }
        case .setStatic(let path, let value):
            // Half of them (by length) handed the parent map in the original when there is one,
            // as a rule that read it passes it.
            let staticPath = JSONPath(path)
            var parent: JSONView?
            if path.count % 2 == 0, !path.isEmpty, case .found(let map) = builder.original.walk(staticPath, keys: path.count - 1), map.isObject {
                parent = map
            }
            do { try builder.set(staticPath, to: value, inOriginal: parent) } catch { ours = error }
            do { try reference.set(path, to: value) } catch { theirs = error }
        case .ensureObject(let path):
            do { try builder.ensureObject(path) } catch { ours = error }
            do { try reference.ensureObject(path) } catch { theirs = error }
        case .remove(let path):
            do { try builder.remove(path) } catch { ours = error }
            do { try reference.remove(path) } catch { theirs = error }
        case .read(let path):
            let read = builder.value(at: path)
            // (Not `flatMap { $0.isNull ? nil : $0 }`: JSONValue is ExpressibleByNilLiteral.)
            var expected: JSONValue? = reference.document[path: path]
            if expected?.isNull == true { expected = Optional<JSONValue>.none }
            if read != expected {
                return .failure(BuilderDifference("value(at:) is \(Self.text(read)), the reference document has \(Self.text(expected))"))
            }
            // Same value; member order too (what a caller writing the value back would see).
            if let read, let expected, read.serialized() != expected.serialized() {
                return .failure(BuilderDifference("value(at:) is \(Self.text(read)), the reference document has \(Self.text(expected)) (member order)"))
            }
            return .success(read == nil ? .readNothing : .readSomething)
        }
        switch (ours, theirs) {
        case (nil, nil): break
        case (let ours?, let theirs?):
            if ours.message != theirs.message {
                return .failure(BuilderDifference("error message \(ours.message.debugDescription), the reference's \(theirs.message.debugDescription)"))
            }
        case (let ours?, nil): return .failure(BuilderDifference("threw \(ours.message.debugDescription), the reference did not"))
        case (nil, let theirs?): return .failure(BuilderDifference("did not throw, the reference threw \(theirs.message.debugDescription)"))
        }
        // Also as bytes: JSONPointer's `==` is String's, which equates "é" and "e\u{301}".
        if builder.operations != reference.operations || builder.patch.encoded() != JSONPatch(reference.operations).encoded() {
            return .failure(BuilderDifference("operations \(Self.text(builder.patch.jsonValue)), the reference's \(Self.text(JSONPatch(reference.operations).jsonValue))"))
        }
        if builder.isEmpty != reference.isEmpty { return .failure(BuilderDifference("isEmpty differs")) }
        let document = builder.document
        if document != reference.document || document.serialized() != reference.document.serialized() {
            return .failure(BuilderDifference("document \(Self.text(document)), the reference's \(Self.text(reference.document))"))
        }
        if theirs != nil { return .success(.threw) }
        return .success(reference.operations.count > before ? .emitted : .unchanged)
    }

    static func text(_ value: JSONValue?) -> String {
        value.map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "nil"
    }
}

/// How the two builders differed after a call (a description for the test's report).
struct BuilderDifference: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - The generator

/// Kubernetes-like documents (with missing, null and wrong-typed maps), their JSON text (with
/// escapes and, sometimes, repeated keys), and call sequences over them, from a fixed seed.
/// Owned by one test; not shared.
struct BuilderCaseGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { pick(100) < percent }
    mutating func element<T>(_ choices: [T]) -> T { choices[pick(choices.count)] }

    /// Keys to write: Kubernetes ones, pointer specials, and "é" (U+00E9) beside its canonically
    /// equivalent "e\u{301}" (distinct JSON keys: they compare by UTF-8 bytes).
    static let keys = ["x", "k", "new", "nvidia.com/gpu", "sidecar.istio.io/inject", "a~b/c", "", "-", "0", "é", "e\u{301}", "name", "image"]
    static let strings: [JSONValue] = ["true", "1", "v", "oops", "", "nvidia.com/gpu", "é~/", "e\u{301}", "q\"\n😀"]

    static func number(_ text: String) -> JSONValue { .number(JSONNumber(unchecked: text)) }

    mutating func scalar() -> JSONValue {
        switch pick(8) {
        case 0, 1, 2: return element(Self.strings)
        case 3: return Self.number(element(["1", "2", "1.0", "-0", "1e3", "0.5"]))
        case 4: return .bool(chance(50))
        case 5: return .null
        default: return .string("s\(pick(4))")
        }
    }

    /// A map of strings (labels, annotations, limits), sometimes with a null or number member.
    mutating func stringMap() -> JSONValue {
        var object = JSONObject()
        for _ in 0..<pick(4) {
            let key = element(["a", "b", "k", "x", "nvidia.com/gpu", "app.kubernetes.io/name", "a~b/c", "é", "e\u{301}"])
            switch pick(8) {
            case 0: object.set(key, to: .null)
            case 1: object.set(key, to: Self.number(element(["1", "2"])))
            default: object.set(key, to: element(Self.strings))
            }
        }
        return .object(object)
    }

    /// A member that should hold a map: often one, else absent (nil), null or the wrong type.
    mutating func mapSlot(resources: Bool = false) -> JSONValue? {
        switch pick(12) {
        case 0, 1: return nil
        case 2: return .null
        case 3: return "oops"
        case 4: return ["a", "b"]
        case 5: return Self.number("3")
        case 6: return [:]
        default: return resources ? self.resources() : stringMap()
        }
    }

    mutating func metadata() -> JSONValue {
        var object: JSONObject = ["name": .string("app\(pick(3))")]
        if chance(40) { object.set("namespace", to: "default") }
        if let labels = mapSlot() { object.set("labels", to: labels) }
        if let annotations = mapSlot() { object.set("annotations", to: annotations) }
        if chance(15) { object.set("ownerReferences", to: [["kind": "ReplicaSet", "name": "rs"]]) }
        return .object(object)
    }

    mutating func container() -> JSONValue {
        var object: JSONObject = ["name": .string("c\(pick(3))"), "image": "app"]
        if let resources = mapSlot(resources: true) { object.set("resources", to: resources) }
        if chance(40) {
            object.set("env", to: .array((0..<pick(3)).map { _ in ["name": "E", "value": element(Self.strings)] }))
        }
        if chance(25) { object.set("ports", to: [["containerPort": 8080]]) }
        if chance(15) { object.set("args", to: ["a", "b"]) }
        return .object(object)
    }

    mutating func resources() -> JSONValue {
        var object = JSONObject()
        if let limits = mapSlot() { object.set("limits", to: limits) }
        if let requests = mapSlot() { object.set("requests", to: requests) }
        return .object(object)
    }

    mutating func containers() -> JSONValue? {
        switch pick(10) {
        case 0: return nil
        case 1: return .null
        case 2: return "oops"
        case 3: return [:]
        default: return .array((0..<(1 + pick(3))).map { _ in container() })
        }
    }

    mutating func podSpec() -> JSONValue {
        var object = JSONObject()
        if let containers = containers() { object.set("containers", to: containers) }
        if chance(25), let containers = containers() { object.set("initContainers", to: containers) }
        if chance(20) { object.set("volumes", to: []) }
        if chance(10) { object.set("nodeSelector", to: stringMap()) }
        return .object(object)
    }

    mutating func document() -> JSONValue {
        if chance(2) { return element([[], "text", .null, [["a": "b"]]]) }  // not an object at all
        var root: JSONObject = ["apiVersion": "serving.knative.dev/v1", "kind": "Service"]
        switch pick(12) {
        case 0: break
        case 1: root.set("metadata", to: .null)
        case 2: root.set("metadata", to: "oops")
        default: root.set("metadata", to: metadata())
        }
        switch pick(12) {
        case 0: break
        case 1: root.set("spec", to: .null)
        case 2: root.set("spec", to: [])
        default:
            var spec = JSONObject()
            switch pick(10) {
            case 0: break
            case 1: spec.set("template", to: .null)
            case 2: spec.set("template", to: "oops")
            default:
                var template = JSONObject()
                if chance(70) { template.set("metadata", to: metadata()) } else if chance(30) { template.set("metadata", to: .null) }
                if chance(85) { template.set("spec", to: podSpec()) }
                spec.set("template", to: .object(template))
            }
            if chance(30) { spec.set("replicas", to: Self.number("2")) }
            if chance(15) { spec.set("containers", to: containers() ?? .null) }
            root.set("spec", to: .object(spec))
        }
        if chance(20) { root.set("status", to: ["conditions": [["type": "Ready", "status": "True"]]]) }
        return .object(root)
    }

    // MARK: Text

    /// `value` as JSON text: strings sometimes written with escapes (`\u00e9`, `\/`), and, when
    /// `repeats`, some object members preceded by a decoy member with the same key (the last
    /// value wins, at the first key's position: what the parser and `JSONView` both do).
    mutating func text(_ value: JSONValue, repeats: Bool) -> [UInt8] {
        var out: [UInt8] = []
        write(value, repeats: repeats, into: &out)
        return out
    }

    private mutating func write(_ value: JSONValue, repeats: Bool, into out: inout [UInt8]) {
        switch value {
        case .null, .bool, .number: out += value.serialized()
        case .string(let s): quote(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(element, repeats: repeats, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object {
                if repeats, chance(15) {
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    quote(member.key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    write(element([.null, "decoy", ["decoy": "map"], [1]]), repeats: false, into: &out)
                }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, repeats: repeats, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private mutating func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v == 0x22 || v == 0x5C || v < 0x20 || (chance(8) && v != 0x2F) {
                func escape(_ unit: UInt32) {
                    let hex = String(unit, radix: 16)
                    out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                }
                if v > 0xFFFF {
                    escape(0xD800 + ((v - 0x10000) >> 10))
                    escape(0xDC00 + ((v - 0x10000) & 0x3FF))
                } else {
                    escape(v)
                }
            } else if v == 0x2F, chance(30) {
                out += Array("\\/".utf8)
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Paths and values

    /// Every path in `value` (the root included), to depth 8.
    static func paths(in value: JSONValue, prefix: [String] = [], into out: inout [[String]]) {
        out.append(prefix)
        guard prefix.count < 8 else { return }
        switch value {
        case .object(let object):
            for member in object { paths(in: member.value, prefix: prefix + [member.key], into: &out) }
        case .array(let elements):
            for (i, element) in elements.enumerated() { paths(in: element, prefix: prefix + [String(i)], into: &out) }
        default: break
        }
    }

    /// A token to follow `value`: for arrays an existing index, the count, "-", out of range
    /// or malformed; for objects an existing or new key; else any key.
    mutating func token(after value: JSONValue?) -> String {
        switch value {
        case .array(let elements)?:
            switch pick(8) {
            case 0, 1, 2: return elements.isEmpty ? "0" : String(pick(elements.count))
            case 3: return String(elements.count)
            case 4: return "-"
            case 5: return String(elements.count + 1 + pick(2))
            case 6: return element(["01", "x", "-1", ""])
            default: return "0"
            }
        case .object(let object)? where !object.isEmpty && chance(50):
            return object.keys[pick(object.count)]
        default:
            return element(Self.keys)
        }
    }

    static let kubernetesPaths: [[String]] = [
        ["metadata", "annotations", "*"], ["metadata", "labels", "*"], ["metadata", "annotations"], ["metadata", "labels"],
        ["metadata"], ["metadata", "name"], ["metadata", "name", "*"],
        ["spec", "template", "metadata", "annotations", "*"], ["spec", "template", "metadata", "labels", "*"],
        ["spec", "template", "spec", "containers", "#", "resources", "limits", "*"],
        ["spec", "template", "spec", "containers", "#", "resources", "requests", "*"],
        ["spec", "template", "spec", "containers", "#", "resources", "limits"],
        ["spec", "template", "spec", "containers", "#", "resources"],
        ["spec", "template", "spec", "containers", "#", "env", "#", "value"],
        ["spec", "template", "spec", "containers", "#", "name"],
        ["spec", "template", "spec", "containers", "#"], ["spec", "template", "spec", "containers"],
        ["spec", "template", "spec", "initContainers", "#", "resources", "limits", "*"],
        ["spec", "template", "spec", "nodeSelector", "*"], ["spec", "containers", "#", "image"],
        ["spec", "replicas"], ["spec", "replicas", "*"], ["status", "conditions", "#", "status"],
        ["a", "b", "c", "d", "*"], ["*"], ["*", "*"],
    ]

    /// A path into `document`: an existing one (perhaps extended below it), a Kubernetes one
    /// ("#" an array token, "*" a key), or random tokens.
    mutating func path(in document: JSONValue) -> [String] {
        switch pick(10) {
        case 0, 1, 2, 3:
            var all: [[String]] = []
            Self.paths(in: document, into: &all)
            var path = all[pick(all.count)]
            if path.isEmpty || chance(50) {
                for _ in 0..<(1 + pick(3)) where chance(70) || path.isEmpty {
                    path.append(token(after: document[path: path]))
                }
            }
            return path
        case 4, 5, 6, 7, 8:
            var path: [String] = []
            for token in element(Self.kubernetesPaths) {
                switch token {
                case "#": path.append(self.token(after: document[path: path] ?? .array([])))
                case "*": path.append(self.token(after: document[path: path]))
                default: path.append(token)
                }
            }
            return path
        default:
            return (0..<pick(5)).map { _ in element(Self.keys + ["0", "1", "-"]) }
        }
    }

    /// A value to set at `path`: often the current one (no operation, or no throw for a map),
    /// else a scalar, a map or an array.
    mutating func value(for path: [String], in document: JSONValue) -> JSONValue {
        if chance(20), let current = document[path: path] { return current }
        if chance(5) {
            var all: [[String]] = []
            Self.paths(in: document, into: &all)
            if let copied = document[path: all[pick(all.count)]] { return copied }
        }
        switch pick(10) {
        case 0, 1, 2, 3: return scalar()
        case 4: return [:]
        case 5: return stringMap()
        case 6: return ["limits": ["nvidia.com/gpu": "1"]]
        case 7: return []
        case 8: return [container()]
        default: return [element(Self.strings), Self.number("1")]
        }
    }

    /// A random call against the reference's current document.
    mutating func call(in document: JSONValue) -> BuilderCall {
        let path = self.path(in: document)
        switch pick(20) {
        case 0, 1, 2, 3, 4: return .set(path, value(for: path, in: document))
        case 5, 6, 7, 8, 9: return .setStatic(path, value(for: path, in: document))
        case 10, 11, 12: return .ensureObject(path)
        case 13, 14, 15, 16: return .remove(path)
        default: return .read(path)
        }
    }

    /// A deliberately overlapping sequence: a member written, written inside, a sibling
    /// removed, the member written again; `{}` parents then leaves; writes into array elements
    /// then into a sibling element and onto the array with "-". Reads in between.
    mutating func overlappingCalls(in document: JSONValue) -> [BuilderCall] {
        // A parent: an existing object or array (or any path), or a Kubernetes map.
        var all: [[String]] = []
        Self.paths(in: document, into: &all)
        let containers = all.filter { path in
            switch document[path: path] { case .object?, .array?: return true; default: return false }
        }
        let base: [String]
        switch pick(4) {
        case 0: base = containers.isEmpty ? [] : containers[pick(containers.count)]
        case 1: base = all[pick(all.count)]
        case 2: base = element([["metadata", "annotations"], ["metadata"], ["spec", "template", "metadata", "labels"], ["spec"]])
        default: base = element([["spec", "template", "spec", "containers"], ["spec", "template", "spec", "initContainers"], ["spec", "containers"]])
        }
        let member = token(after: document[path: base])
        let sibling = token(after: document[path: base])
        let inner = element(Self.keys)
        var calls: [BuilderCall] = []
        switch pick(4) {
        case 0:
            // Member, inside it, sibling removed, member again.
            calls.append(.set(base + [member], element([[:], ["inner": "1"], stringMap(), scalar(), [["name": "c"]]])))
            calls.append(.read(base + [member]))
            calls.append(.setStatic(base + [member, inner], scalar()))
            calls.append(.read(base))
            calls.append(.remove(base + [sibling]))
            calls.append(.read(base + [member]))
            calls.append(.set(base + [member], chance(50) ? scalar() : value(for: base + [member], in: document)))
            calls.append(.read(base))
            if chance(50) { calls.append(.remove(base + [member, inner])) }
            if chance(50) { calls.append(.setStatic(base + [sibling], scalar())) }
        case 1:
            // {} parents, then leaves under them, then a write over one.
            let deep = base + [member] + (0..<pick(3)).map { _ in element(Self.keys) }
            calls.append(.ensureObject(deep))
            calls.append(.read(base))
            calls.append(.set(deep + [inner], scalar()))
            calls.append(.set(deep + [element(Self.keys)], value(for: deep, in: document)))
            calls.append(.read(deep))
            if chance(50) { calls.append(.remove(deep + [inner])) }
            calls.append(.setStatic(deep + [inner], scalar()))
            calls.append(.read(base + [member]))
            if chance(30) { calls.append(.remove(base + [member])) }
            calls.append(.ensureObject(deep))
        case 2:
            // Into an element's object, a sibling element, then the array itself.
            let array = ["spec", "template", "spec", "containers"]
            let first = token(after: document[path: array] ?? .array([]))
            let second = token(after: document[path: array] ?? .array([]))
            let key = element(["nvidia.com/gpu", "x", "cpu"])
            calls.append(.set(array + [first, "resources", "limits", key], scalar()))
            calls.append(.read(array + [first, "resources"]))
            calls.append(.set(array + [second, "resources", "requests", key], scalar()))
            calls.append(.set(array + [first, "resources", "limits", element(["y", key])], scalar()))
            calls.append(.read(array))
            calls.append(.set(array + ["-"], element([["name": "added"], container(), "oops"])))
            calls.append(.read(array + [first, "resources", "limits"]))
            calls.append(.set(array + [first, "resources", "limits", key], scalar()))
            if chance(50) { calls.append(.remove(array + [second])) }
            calls.append(.set(array + [second, "name"], scalar()))
            calls.append(.read(array))
        default:
            // Several new members of one map, one rewritten, one removed, then read whole.
            let keys = (0..<(2 + pick(3))).map { _ in element(Self.keys) }
            for key in keys { calls.append(.set(base + [key], scalar())) }
            calls.append(.set(base + [element(keys)], scalar()))
            calls.append(.read(base))
            if chance(50) { calls.append(.remove(base + [element(keys)])) }
            calls.append(.set(base + [element(keys)], scalar()))
            calls.append(.read(base))
        }
        return calls
    }
}

// MARK: - The tests

/// The new `JSONPatchBuilder` against `ReferencePatchBuilder`. Owned by the test suite; any
/// Swift Testing thread; no I/O.
struct JSONPatchBuilderDifferentialTests {
    /// How a run went: cases, calls and what they did; the first few differences.
    struct Tally {
        var cases = 0, calls = 0, threw = 0, emitted = 0, unchanged = 0, readSomething = 0, readNothing = 0
        var repeatedKeyCases = 0
        var differences: [String] = []
    }

    /// Runs one case: `calls` on both builders over `original`, given to the new builder as the
    /// view of `text` (its JSON text) and to the reference as `text` parsed.
    static func run(_ calls: [BuilderCall], text: [UInt8], label: String, tally: inout Tally) {
        tally.cases += 1
        let original: JSONValue
        let document: JSONDocument
        do {
            original = try JSONParser.parse(text)
            document = try JSONDocument(parsing: text)
        } catch {
            tally.differences.append("\(label): generated text does not parse: \(error)")
            return
        }
        var pair = BuilderPair(builder: JSONPatchBuilder(original: document.root), reference: ReferencePatchBuilder(original: original))
        for (n, call) in calls.enumerated() {
            tally.calls += 1
            switch pair.run(call) {
            case .success(.threw): tally.threw += 1
            case .success(.emitted): tally.emitted += 1
            case .success(.unchanged): tally.unchanged += 1
            case .success(.readSomething): tally.readSomething += 1
            case .success(.readNothing): tally.readNothing += 1
            case .failure(let difference):
                let steps = calls[...n].map { "  \($0)" }.joined(separator: "\n")
                tally.differences.append("\(label), call \(n): \(difference)\n  original \(String(decoding: text, as: UTF8.self))\n\(steps)")
                return
            }
            // After the last call (reading everything after every call costs a minute), every
            // value of the patched document reads back the same, and the paths just below each
            // one (mostly absent) read nil.
            guard n == calls.count - 1 else { continue }
            var paths: [[String]] = []
            BuilderCaseGenerator.paths(in: pair.reference.document, into: &paths)
            for path in paths + paths.map({ $0 + ["-"] }) {
                if case .failure(let difference) = pair.run(.read(path)) {
                    let steps = (calls[...n].map(\.description) + ["value(at: \(path))"]).map { "  \($0)" }.joined(separator: "\n")
                    tally.differences.append("\(label), after call \(n): \(difference)\n  original \(String(decoding: text, as: UTF8.self))\n\(steps)")
                    return
                }
            }
        }
    }

    static func report(_ tally: Tally) -> Comment {
        Comment(rawValue: "\(tally.differences.count) of \(tally.cases) cases differ; first:\n" + tally.differences.prefix(3).joined(separator: "\n"))
    }

    /// `count` calls drawn against the reference's current document (so they hit what the
    /// earlier calls built), each followed by a read with `readChance` percent.
    static func drawCalls(_ count: Int, readChance: Int, over text: [UInt8], _ original: JSONValue,
                          _ generator: inout BuilderCaseGenerator) -> [BuilderCall] {
        var reference = ReferencePatchBuilder(original: (try? JSONParser.parse(text)) ?? original)
        var calls: [BuilderCall] = []
        for _ in 0..<count {
            let call = generator.call(in: reference.document)
            calls.append(call)
            switch call {
            case .set(let path, let value), .setStatic(let path, let value): try? reference.set(path, to: value)
            case .ensureObject(let path): try? reference.ensureObject(path)
            case .remove(let path): try? reference.remove(path)
            case .read: break
            }
            if generator.chance(readChance) { calls.append(.read(generator.path(in: reference.document))) }
        }
        return calls
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomCallSequencesAgree(seed: UInt64) {
        var generator = BuilderCaseGenerator(seed: seed)
        var tally = Tally()
        for n in 0..<1000 {
            let original = generator.document()
            let repeats = generator.chance(15)
            if repeats { tally.repeatedKeyCases += 1 }
            let text = generator.text(original, repeats: repeats)
            let calls = Self.drawCalls(1 + generator.pick(8), readChance: 40, over: text, original, &generator)
            Self.run(calls, text: text, label: "seed \(seed) case \(n)", tally: &tally)
        }
        #expect(tally.differences.isEmpty, Self.report(tally))
        // The generator reaches every kind of outcome.
        #expect(tally.threw > 100 && tally.emitted > 1000 && tally.unchanged > 100)
        #expect(tally.readSomething > 100 && tally.readNothing > 100 && tally.repeatedKeyCases > 50)
    }

    /// Long sequences (12–40 calls, overlapping ones among them) take the builder past
    /// `Edits.linearLimit` into its hashed index, whose bookkeeping must agree too.
    @Test(arguments: [UInt64(21), 22])
    func longCallSequencesAgree(seed: UInt64) {
        var generator = BuilderCaseGenerator(seed: seed)
        var tally = Tally()
        for n in 0..<300 {
            let original = generator.document()
            let text = generator.text(original, repeats: generator.chance(10))
            var calls = Self.drawCalls(12 + generator.pick(29), readChance: 25, over: text, original, &generator)
            if generator.chance(50) { calls += generator.overlappingCalls(in: original) }
            Self.run(calls, text: text, label: "seed \(seed) long case \(n)", tally: &tally)
        }
        #expect(tally.differences.isEmpty, Self.report(tally))
        #expect(tally.emitted > 2000)
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func overlappingCallSequencesAgree(seed: UInt64) {
        var generator = BuilderCaseGenerator(seed: seed)
        var tally = Tally()
        for n in 0..<1000 {
            let original = generator.document()
            let text = generator.text(original, repeats: generator.chance(10))
            var calls = generator.overlappingCalls(in: original)
            if generator.chance(30) { calls += generator.overlappingCalls(in: original) }
            Self.run(calls, text: text, label: "seed \(seed) overlap case \(n)", tally: &tally)
        }
        #expect(tally.differences.isEmpty, Self.report(tally))
        #expect(tally.threw > 100 && tally.emitted > 1000 && tally.unchanged > 10)
    }
}

// MARK: - Regressions

/// Hand-written overlaps, each run against the reference (every check of the random tests)
/// and pinned by what it must produce. Owned by the test suite; any Swift Testing thread.
struct JSONPatchBuilderOverlapTests {
    /// Runs `calls` on both builders over `original` (the new one given its view); the builder
    /// after them, having recorded any difference.
    @discardableResult
    static func agree(_ original: JSONValue, _ calls: [BuilderCall], sourceLocation: SourceLocation = #_sourceLocation) -> JSONPatchBuilder {
        var pair = BuilderPair(builder: JSONPatchBuilder(original: JSONView(original)), reference: ReferencePatchBuilder(original: original))
        for (n, call) in calls.enumerated() {
            if case .failure(let difference) = pair.run(call) {
                Issue.record("call \(n), \(call): \(difference)", sourceLocation: sourceLocation)
                break
            }
        }
        return pair.builder
    }

    static func text(_ value: JSONValue?) -> String { BuilderPair.text(value) }

    /// A new member written again keeps its place: it was re-appended to the kept list, so
    /// `value(at:)` of its object listed it after members added later.
    @Test func newMemberWrittenAgainKeepsItsPlace() {
        let builder = Self.agree(["metadata": ["name": "a"]], [
            .set(["metadata", "x"], "1"), .set(["metadata", "y"], "2"), .set(["metadata", "x"], "3"),
            .read(["metadata"]),
        ])
        #expect(Self.text(builder.value(at: ["metadata"])) == #"{"name":"a","x":"3","y":"2"}"#)
        // The same after an `add` over a null (a new member written twice, as `add` both times).
        let nulls = Self.agree(["metadata": [:]], [
            .set(["metadata", "x"], nil), .set(["metadata", "y"], "2"), .set(["metadata", "x"], nil), .read(["metadata"]),
        ])
        #expect(nulls.operations.map(\.op) == ["add", "add", "add"])
        #expect(Self.text(nulls.value(at: ["metadata"])) == #"{"x":null,"y":"2"}"#)
    }

    /// Keys are compared by UTF-8 bytes: "e\u{301}" and "é" are two members. Swift's `==` on
    /// the kept paths took the second for the first: a `replace` of a member that does not
    /// exist (so `document` failed to apply and fell back to the original).
    @Test func canonicallyEquivalentKeysAreDistinctMembers() {
        let builder = Self.agree(["metadata": ["labels": [:]]], [
            .set(["metadata", "labels", "e\u{301}"], "1"), .set(["metadata", "labels", "é"], "2"),
            .read(["metadata", "labels"]), .read(["metadata", "labels", "e\u{301}"]),
            .remove(["metadata", "labels", "é"]), .read(["metadata", "labels"]),
        ])
        #expect(builder.operations.map(\.op) == ["add", "add", "remove"])
        #expect(builder.value(at: ["metadata", "labels"]) == ["e\u{301}": "1"])
    }

    /// A member set, then a key inside it, a sibling removed (its object materialised around
    /// the kept member), the member set again: equal is no operation, a different map throws.
    @Test func memberInsideItSiblingRemovedMemberAgain() {
        let builder = Self.agree(["metadata": ["name": "a", "annotations": ["keep": "1"]]], [
            .set(["metadata", "labels"], [:]), .set(["metadata", "labels", "a"], "1"), .read(["metadata"]),
            .remove(["metadata", "annotations"]), .read(["metadata", "labels"]),
            .set(["metadata", "labels"], ["a": "1"]), .set(["metadata", "labels"], ["a": "2"]),
            .set(["metadata", "labels", "b"], "2"), .read(["metadata"]),
        ])
        #expect(builder.operations.map(\.op) == ["add", "add", "remove", "add"])
        #expect(Self.text(builder.value(at: ["metadata"])) == #"{"name":"a","labels":{"a":"1","b":"2"}}"#)
    }

    /// A wrong-typed member replaced by a map, then written through; a null parent, filled,
    /// emptied and filled again.
    @Test func replacedScalarAndNullParentsAreWrittenThrough() {
        let builder = Self.agree(["metadata": ["labels": "oops", "annotations": nil]], [
            .set(["metadata", "labels", "a"], "1"),  // throws: not an object
            .set(["metadata", "labels"], [:]), .set(["metadata", "labels", "a"], "1"), .ensureObject(["metadata", "labels"]),
            .set(["metadata", "annotations", "k"], "v"), .remove(["metadata", "annotations", "k"]),
            .set(["metadata", "annotations", "k"], "w"), .read(["metadata"]),
        ])
        #expect(builder.operations.map(\.op) == ["replace", "add", "add", "add", "remove", "add"])
        #expect(Self.text(builder.value(at: ["metadata"])) == #"{"labels":{"a":"1"},"annotations":{"k":"w"}}"#)
    }

    /// Writes into one element's object, into a sibling element (creating its maps), onto the
    /// array with "-", into the first again; then an element removed and the next index written.
    @Test func elementObjectsThenTheArrayItself() {
        let containers = ["spec", "template", "spec", "containers"]
        let original: JSONValue = ["spec": ["template": ["spec": ["containers": [
            ["name": "a", "resources": ["limits": ["cpu": "1"]]], ["name": "b"],
        ]]]]]
        let builder = Self.agree(original, [
            .set(containers + ["0", "resources", "limits", "nvidia.com/gpu"], "1"),
            .set(containers + ["1", "resources", "requests", "nvidia.com/gpu"], "1"),
            .read(containers), .set(containers + ["-"], ["name": "c"]),
            .read(containers + ["0", "resources", "limits"]),
            .set(containers + ["0", "resources", "limits", "nvidia.com/gpu"], "2"),
            .set(containers + ["3", "name"], "d"),  // throws: no element 3
            .remove(containers + ["1"]), .set(containers + ["1", "name"], "c2"), .read(containers),
        ])
        #expect(builder.operations.map(\.op) == ["add", "add", "add", "add", "add", "replace", "remove", "replace"])
        #expect(Self.text(builder.value(at: containers)) ==
            #"[{"name":"a","resources":{"limits":{"cpu":"1","nvidia.com/gpu":"2"}}},{"name":"c2"}]"#)
    }

    /// The same over repeated keys in the original text: the last value wins, at the first
    /// key's place, in both the view and the parsed value.
    @Test func repeatedKeysInTheOriginal() throws {
        let text = Array(#"{"metadata":{"labels":"oops","name":"a","labels":{"x":"1"}}}"#.utf8)
        var pair = BuilderPair(builder: JSONPatchBuilder(original: try JSONDocument(parsing: text).root),
                               reference: ReferencePatchBuilder(original: try JSONParser.parse(text)))
        for call: BuilderCall in [
            .set(["metadata", "labels", "y"], "2"), .set(["metadata", "labels", "x"], "3"), .read(["metadata"]),
            .set(["metadata", "labels"], ["x": "3", "y": "2"]), .remove(["metadata", "labels"]), .read(["metadata"]),
        ] {
            if case .failure(let difference) = pair.run(call) { Issue.record("\(call): \(difference)") }
        }
        #expect(pair.builder.operations.map(\.op) == ["add", "replace", "remove"])
    }
}

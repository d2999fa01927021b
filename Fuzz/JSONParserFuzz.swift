// libFuzzer entry point for the Admission JSON parser: parse, write, re-parse, compare; then patch.

/// The fuzz target, compiled into one module with Sources/Admission/JSON by scripts/fuzz.sh.
/// libFuzzer calls it on its one thread. It traps (deliberately, this is a test harness) when
/// a parsed value does not survive write → parse unchanged, or writing is not stable.
/// It does not run in the server or the test suite.
@_cdecl("LLVMFuzzerTestOneInput")
public func jsonParserFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data.map(UnsafeRawPointer.init), count: data == nil ? 0 : size)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }

    let written = value.serialized()
    guard let reparsed = try? JSONParser.parse(written) else {
        fatalError("writer produced text the parser rejects: \(String(decoding: written, as: UTF8.self).debugDescription)")
    }
    guard reparsed == value else { fatalError("parse(write(v)) != v for \(String(decoding: written, as: UTF8.self).debugDescription)") }
    guard reparsed.serialized() == written else { fatalError("writing is not stable") }
    guard reparsed.hashValue == value.hashValue else { fatalError("equal values hash differently") }

    // The tape read in place must answer as the tree does, at every node.
    if let document = try? JSONDocument(parsing: Array(bytes)) {
        guard viewAgrees(document.root, value) else { fatalError("JSONView disagrees with JSONValue") }
    } else {
        fatalError("JSONDocument rejects what JSONParser accepts")
    }

    // A JSON array is also tried as a patch, on a small fixed document (few operations, so
    // `copy` cannot grow the document without bound). Errors are fine; traps are not.
    if case .array(let elements) = value, elements.count <= 8, let patch = try? JSONPatch(json: value) {
        let document: JSONValue = ["a": ["b": [1, "x", nil]], "c~/": [:], "": true]
        if let patched = try? patch.apply(to: document) {
            guard (try? JSONParser.parse(patched.serialized())) == patched else { fatalError("patched document does not round-trip") }
        }
    }
    // Object keys and strings are also tried as JSON Pointers (escape/unescape must round-trip).
    if case .string(let s) = value, let pointer = try? JSONPointer(parsing: s) {
        guard (try? JSONPointer(parsing: pointer.description)) == pointer else { fatalError("pointer does not round-trip: \(s.debugDescription)") }
        _ = value.value(at: pointer)
    }
    return 0
}

/// Whether `view` reads exactly as `value` (kind, scalars, count, every member by key and in
/// order, every element), recursively.
func viewAgrees(_ view: JSONView, _ value: JSONValue) -> Bool {
    switch value {
    case .null: return view.isNull
    case .bool(let b): return view.boolValue == b
    case .number(let n): return view.numberValue == n
    case .string(let s): return view.stringValue.map { Array($0.utf8) == Array(s.utf8) } ?? false && view.equals(value)
    case .array(let elements):
        let viewed = view.elements
        guard view.isArray, view.count == elements.count, viewed.count == elements.count else { return false }
        return zip(viewed, elements).allSatisfy { viewAgrees($0, $1) }
    case .object(let object):
        let members = view.members
        guard view.isObject, view.count == object.count, members.count == object.count else { return false }
        for (viewed, member) in zip(members, object.members) {
            guard Array(viewed.key.utf8) == Array(member.key.utf8), let found = view[member.key],
                  viewAgrees(found, member.value), viewAgrees(viewed.value, member.value) else { return false }
        }
        return true
    }
}

// The RFC 6902 applier, against the RFC's Appendix A examples and error cases.
import Testing
@testable import Admission

/// Applier tests. Owned by the test suite; any Swift Testing thread; no I/O.
struct JSONPatchApplyTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let name: String
        let document: String
        let patch: String
        let expected: String?  // nil: the patch must fail
        var testDescription: String { name }
    }

    static let appendixA: [Example] = [
        Example(name: "A.1 adding an object member", document: #"{"foo":"bar"}"#,
                patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#, expected: #"{"baz":"qux","foo":"bar"}"#),
        Example(name: "A.2 adding an array element", document: #"{"foo":["bar","baz"]}"#,
                patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, expected: #"{"foo":["bar","qux","baz"]}"#),
        Example(name: "A.3 removing an object member", document: #"{"baz":"qux","foo":"bar"}"#,
                patch: #"[{"op":"remove","path":"/baz"}]"#, expected: #"{"foo":"bar"}"#),
        Example(name: "A.4 removing an array element", document: #"{"foo":["bar","qux","baz"]}"#,
                patch: #"[{"op":"remove","path":"/foo/1"}]"#, expected: #"{"foo":["bar","baz"]}"#),
        Example(name: "A.5 replacing a value", document: #"{"baz":"qux","foo":"bar"}"#,
                patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#, expected: #"{"baz":"boo","foo":"bar"}"#),
        Example(name: "A.6 moving a value", document: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
                patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
                expected: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        Example(name: "A.7 moving an array element", document: #"{"foo":["all","grass","cows","eat"]}"#,
                patch: #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, expected: #"{"foo":["all","cows","eat","grass"]}"#),
        Example(name: "A.8 testing a value: success", document: #"{"baz":"qux","foo":["a",2,"c"]}"#,
                patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
                expected: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        Example(name: "A.9 testing a value: error", document: #"{"baz":"qux"}"#,
                patch: #"[{"op":"test","path":"/baz","value":"bar"}]"#, expected: nil),
        Example(name: "A.10 adding a nested member object", document: #"{"foo":"bar"}"#,
                patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, expected: #"{"foo":"bar","child":{"grandchild":{}}}"#),
        Example(name: "A.11 ignoring unrecognized elements", document: #"{"foo":"bar"}"#,
                patch: #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, expected: #"{"foo":"bar","baz":"qux"}"#),
        Example(name: "A.12 adding to a nonexistent target", document: #"{"foo":"bar"}"#,
                patch: #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, expected: nil),
        Example(name: "A.14 ~ escape ordering", document: #"{"/":9,"~1":10}"#,
                patch: #"[{"op":"test","path":"/~01","value":10}]"#, expected: #"{"/":9,"~1":10}"#),
        Example(name: "A.15 comparing strings and numbers", document: #"{"/":9,"~1":10}"#,
                patch: #"[{"op":"test","path":"/~01","value":"10"}]"#, expected: nil),
        Example(name: "A.16 adding an array value", document: #"{"foo":["bar"]}"#,
                patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, expected: #"{"foo":["bar",["abc","def"]]}"#),
        Example(name: "test compares numbers numerically and objects unordered", document: #"{"a":{"x":1,"y":[1.0]}}"#,
                patch: #"[{"op":"test","path":"/a","value":{"y":[1],"x":10e-1}}]"#, expected: #"{"a":{"x":1,"y":[1.0]}}"#),
        Example(name: "copy", document: #"{"a":{"b":1}}"#,
                patch: #"[{"op":"copy","from":"/a","path":"/c"}]"#, expected: #"{"a":{"b":1},"c":{"b":1}}"#),
        Example(name: "add replaces the root", document: #"{"a":1}"#,
                patch: #"[{"op":"add","path":"","value":[1]}]"#, expected: "[1]"),
        Example(name: "add replaces an existing member", document: #"{"a":1}"#,
                patch: #"[{"op":"add","path":"/a","value":2}]"#, expected: #"{"a":2}"#),
        Example(name: "remove of a missing member fails", document: #"{"a":1}"#,
                patch: #"[{"op":"remove","path":"/b"}]"#, expected: nil),
        Example(name: "replace of a missing member fails", document: #"{"a":1}"#,
                patch: #"[{"op":"replace","path":"/b","value":1}]"#, expected: nil),
        Example(name: "add past the end of an array fails", document: #"[1]"#,
                patch: #"[{"op":"add","path":"/2","value":1}]"#, expected: nil),
        Example(name: "add with a leading-zero index fails", document: #"[1,2]"#,
                patch: #"[{"op":"add","path":"/01","value":1}]"#, expected: nil),
        Example(name: "move into its own child fails", document: #"{"a":{"b":{}}}"#,
                patch: #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#, expected: nil),
        Example(name: "copy from a missing path fails", document: #"{"a":1}"#,
                patch: #"[{"op":"copy","from":"/x","path":"/y"}]"#, expected: nil),
        Example(name: "a failing operation undoes the whole patch", document: #"{"a":1}"#,
                patch: #"[{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zz"}]"#, expected: nil),
        Example(name: "unknown op fails", document: #"{}"#, patch: #"[{"op":"merge","path":"/a"}]"#, expected: nil),
        Example(name: "missing value fails", document: #"{}"#, patch: #"[{"op":"add","path":"/a"}]"#, expected: nil),
    ]

    @Test(arguments: appendixA)
    func appliesRFC6902Example(_ example: Example) throws {
        let document = try JSONParser.parse(example.document)
        let result: Result<JSONValue, JSONPatchError> = Result { () throws(JSONPatchError) in
            try JSONPatch(parsing: Array(example.patch.utf8)).apply(to: document)
        }
        if let expected = example.expected {
            #expect(try result.get() == JSONParser.parse(expected))
        } else {
            #expect(throws: JSONPatchError.self) { try result.get() }
        }
    }

    /// RFC 6902 A.13: a patch with two "op" members is not JSON the applier can trust; our
    /// parser keeps the last member, as RFC 8259 §4 permits, so it decodes as a "remove".
    @Test func duplicateOpMemberKeepsTheLast() throws {
        let patch = try JSONPatch(parsing: Array(#"[{"op":"add","path":"/baz","value":"qux","op":"remove"}]"#.utf8))
        #expect(patch.operations == [.remove(path: JSONPointer(tokens: ["baz"]))])
    }

    @Test func encodesOperationsInConventionalMemberOrder() throws {
        let patch = JSONPatch([
            .add(path: JSONPointer(tokens: ["a"]), value: 1),
            .remove(path: JSONPointer(tokens: ["b"])),
            .replace(path: JSONPointer(tokens: ["c"]), value: "x"),
            .move(from: JSONPointer(tokens: ["d"]), path: JSONPointer(tokens: ["e"])),
            .copy(from: JSONPointer(tokens: ["f"]), path: JSONPointer(tokens: ["g"])),
            .test(path: JSONPointer(tokens: ["h"]), value: nil),
        ])
        #expect(String(decoding: patch.encoded(), as: UTF8.self) ==
            #"[{"op":"add","path":"/a","value":1},{"op":"remove","path":"/b"},{"op":"replace","path":"/c","value":"x"},"#
            + #"{"op":"move","from":"/d","path":"/e"},{"op":"copy","from":"/f","path":"/g"},{"op":"test","path":"/h","value":null}]"#)
        #expect(try JSONPatch(parsing: patch.encoded()) == patch)
    }
}

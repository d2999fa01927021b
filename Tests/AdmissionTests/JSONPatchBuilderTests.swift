// The patch builder's rules from policy.md: parents created with add {}, minimal, idempotent.
import Testing
@testable import Admission

/// Builder tests. Owned by the test suite; any Swift Testing thread; no I/O.
struct JSONPatchBuilderTests {
    static let ksvc: JSONValue = [
        "apiVersion": "serving.knative.dev/v1", "kind": "Service",
        "metadata": ["name": "hello"],
        "spec": ["template": ["spec": ["containers": [["image": "app"]]]]],
    ]

    /// A static path with its parent map handed over (as KSVC-SIDECAR does) writes what the
    /// `[String]` form writes, before and after an edit; a map of another document is not used.
    @Test func staticPathWithItsParentMapWritesTheSameOperations() throws {
        let document: JSONValue = [
            "metadata": ["name": "hello", "annotations": ["a": "1"]],
            "spec": ["template": ["metadata": ["annotations": ["x/y": "1", "sidecar.istio.io/inject": nil]]]],
        ]
        let view = JSONView(document)
        let paths = [
            JSONPath(["spec", "template", "metadata", "annotations"], key: "sidecar.istio.io/inject"),
            JSONPath(["spec", "template", "metadata", "annotations"], key: "a~b"),
            JSONPath(["metadata", "annotations"], key: "x/y"),
            JSONPath(["spec", "template", "metadata", "annotations"], key: "x/y"),
        ]
        var plain = JSONPatchBuilder(original: view)
        var given = JSONPatchBuilder(original: view)
        var foreign = JSONPatchBuilder(original: view)
        let elsewhere = JSONView(document)
        for path in paths {
            let map = view[path: Array(path.keys.dropLast())]
            try plain.set(path.keys, to: "true")
            try given.set(path, to: "true", inOriginal: map)
            try foreign.set(path, to: "true", inOriginal: elsewhere[path: Array(path.keys.dropLast())])
        }
        #expect(given.operations == plain.operations)
        #expect(given.patch.encoded() == plain.patch.encoded())
        #expect(foreign.patch.encoded() == plain.patch.encoded())
        #expect(String(decoding: given.patch.encoded(), as: UTF8.self) ==
            #"[{"op":"add","path":"/spec/template/metadata/annotations/sidecar.istio.io~1inject","value":"true"},"#
            + #"{"op":"add","path":"/spec/template/metadata/annotations/a~0b","value":"true"},"#
            + #"{"op":"add","path":"/metadata/annotations/x~1y","value":"true"},"#
            + #"{"op":"replace","path":"/spec/template/metadata/annotations/x~1y","value":"true"}]"#)
        #expect(given.document == plain.document)
    }

    @Test func absentAnnotationsMapIsAddedBeforeTheKey() throws {
        var builder = JSONPatchBuilder(original: Self.ksvc)
        try builder.set(["metadata", "annotations", "serving.knative.openshift.io/enablePassthrough"], to: "true")
        #expect(String(decoding: builder.patch.encoded(), as: UTF8.self) ==
            #"[{"op":"add","path":"/metadata/annotations","value":{}},"#
            + #"{"op":"add","path":"/metadata/annotations/serving.knative.openshift.io~1enablePassthrough","value":"true"}]"#)
        #expect(builder.document["metadata", "annotations", "serving.knative.openshift.io/enablePassthrough"] == "true")
    }

    @Test func missingTemplateMetadataChainIsCreatedOnce() throws {
        var builder = JSONPatchBuilder(original: Self.ksvc)
        try builder.set(["spec", "template", "metadata", "annotations", "sidecar.istio.io/inject"], to: "true")
        try builder.set(["spec", "template", "metadata", "annotations", "sidecar.istio.io/rewriteAppHTTPProbers"], to: "true")
        #expect(builder.operations == [
            .add(path: JSONPointer(tokens: ["spec", "template", "metadata"]), value: [:]),
            .add(path: JSONPointer(tokens: ["spec", "template", "metadata", "annotations"]), value: [:]),
            .add(path: JSONPointer(tokens: ["spec", "template", "metadata", "annotations", "sidecar.istio.io/inject"]), value: "true"),
            .add(path: JSONPointer(tokens: ["spec", "template", "metadata", "annotations", "sidecar.istio.io/rewriteAppHTTPProbers"]), value: "true"),
        ])
    }

    @Test func existingMapIsKeptAndOnlyTheKeyAdded() throws {
        let original: JSONValue = ["metadata": ["annotations": ["keep": "me"]]]
        var builder = JSONPatchBuilder(original: original)
        try builder.set(["metadata", "annotations", "new"], to: "v")
        #expect(builder.operations == [.add(path: JSONPointer(tokens: ["metadata", "annotations", "new"]), value: "v")])
        #expect(builder.document["metadata", "annotations", "keep"] == "me")
    }

    @Test func equalValueEmitsNothingAndDifferentValueReplaces() throws {
        let original: JSONValue = ["metadata": ["labels": ["a": "1", "b": "2"]]]
        var builder = JSONPatchBuilder(original: original)
        try builder.set(["metadata", "labels", "a"], to: "1")
        #expect(builder.isEmpty)
        try builder.set(["metadata", "labels", "b"], to: "3")
        #expect(builder.operations == [.replace(path: JSONPointer(tokens: ["metadata", "labels", "b"]), value: "3")])
    }

    @Test func secondRunOnThePatchedDocumentEmitsNothing() throws {
        func mutate(_ document: JSONValue) throws -> JSONPatchBuilder {
            var builder = JSONPatchBuilder(original: document)
            try builder.set(["spec", "template", "metadata", "annotations", "sidecar.istio.io/inject"], to: "true")
            try builder.set(["metadata", "annotations", "serving.knative.openshift.io/enablePassthrough"], to: "true")
            try builder.set(["spec", "template", "spec", "containers", "0", "resources", "limits", "nvidia.com/gpu"], to: "1")
            return builder
        }
        let first = try mutate(Self.ksvc)
        #expect(first.operations.count == 8)
        let patched = try first.patch.apply(to: Self.ksvc)
        #expect(patched == first.document)
        #expect(try mutate(patched).isEmpty)
    }

    @Test func keysWithSlashAndTildeAreEscapedInPointers() throws {
        var builder = JSONPatchBuilder(original: ["metadata": ["labels": [:]]])
        try builder.set(["metadata", "labels", "a~b/c"], to: "x")
        #expect(builder.operations.map(\.path.description) == ["/metadata/labels/a~0b~1c"])
        let patch = try JSONPatch(parsing: builder.patch.encoded())
        #expect(try patch.apply(to: ["metadata": ["labels": [:]]])["metadata", "labels", "a~b/c"] == "x")
    }

    @Test func parentThatIsAStringIsAnErrorNotClobbered() throws {
        var builder = JSONPatchBuilder(original: ["metadata": ["annotations": "oops"]])
        #expect(throws: JSONPatchError.self) { try builder.set(["metadata", "annotations", "k"], to: "v") }
        #expect(builder.isEmpty)
        #expect(builder.document["metadata", "annotations"] == "oops")
    }

    @Test func existingMapIsNeverReplacedAsALeaf() throws {
        var builder = JSONPatchBuilder(original: ["metadata": ["labels": ["a": "1"]]])
        #expect(throws: JSONPatchError.self) { try builder.set(["metadata", "labels"], to: ["b": "2"]) }
        try builder.set(["metadata", "labels"], to: ["a": "1"])
        #expect(builder.isEmpty)
    }

    @Test func nullParentCountsAsMissing() throws {
        var builder = JSONPatchBuilder(original: ["metadata": ["annotations": nil]])
        try builder.set(["metadata", "annotations", "k"], to: "v")
        #expect(builder.operations.map(\.op) == ["add", "add"])
        #expect(builder.document["metadata", "annotations"] == ["k": "v"])
    }

    @Test func arrayStepsMustExist() throws {
        var builder = JSONPatchBuilder(original: Self.ksvc)
        #expect(throws: JSONPatchError.self) { try builder.set(["spec", "template", "spec", "containers", "1", "name"], to: "x") }
        #expect(throws: JSONPatchError.self) { try builder.set(["spec", "template", "spec", "containers", "x", "name"], to: "x") }
        try builder.set(["spec", "template", "spec", "containers", "0", "name"], to: "app")
        #expect(builder.operations.map(\.path.description) == ["/spec/template/spec/containers/0/name"])
    }

    @Test func removeIsEmittedOnlyWhenPresent() throws {
        var builder = JSONPatchBuilder(original: ["metadata": ["labels": ["a": "1"]]])
        try builder.remove(["metadata", "labels", "b"])
        #expect(builder.isEmpty)
        try builder.remove(["metadata", "labels", "a"])
        #expect(builder.operations == [.remove(path: JSONPointer(tokens: ["metadata", "labels", "a"]))])
    }
}

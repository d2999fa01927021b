// RuleContext's template maps and pod spec, found once per review: the same answers and errors as a walk.
import Admission
import Testing
@testable import Policy

@Suite("RuleContext template maps")
struct RuleContextTests {
    typealias S = PolicyTestSupport

    /// What a read gave: the map's text, nil, or the error's message.
    enum Outcome: Equatable {
        case map(String)
        case absent
        case malformed(String)

        init(_ read: () throws(MalformedObject) -> JSONView?) {
            do {
                self = try read().map { .map(String(decoding: JSONWriter.write($0.materialized()), as: UTF8.self)) } ?? .absent
            } catch {
                self = .malformed(error.message)
            }
        }
    }

    static let specs = [
        #"{}"#,
        #"{"spec":null}"#,
        #"{"spec":"x"}"#,
        #"{"spec":{"template":null}}"#,
        #"{"spec":{"template":[1]}}"#,
        #"{"spec":{"template":{}}}"#,
        #"{"spec":{"template":{"metadata":null}}}"#,
        #"{"spec":{"template":{"metadata":"x"}}}"#,
        #"{"spec":{"template":{"metadata":{}}}}"#,
        #"{"spec":{"template":{"metadata":{"annotations":null,"labels":null}}}}"#,
        #"{"spec":{"template":{"metadata":{"annotations":{"a":"1"},"labels":{"b":"2"}}}}}"#,
        #"{"spec":{"template":{"metadata":{"annotations":"x","labels":{"b":"2"}}}}}"#,
        #"{"spec":{"template":{"metadata":{"annotations":{"a":"1"},"labels":7}}}}"#,
        #"{"spec":{"template":{"metadata":{"annotations":{"a":"1"},"annotations":{"c":"3"}}}}}"#,
        #"{"spec":{"template":{"metadata":{"labels":{"b":"2"},"labels":null}}}}"#,
        #"{"spec":{"template":{"spec":"x"}}}"#,
        #"{"spec":{"template":{"spec":null,"metadata":{"labels":{}}}}}"#,
        #"{"spec":{"template":{"metadata":null,"spec":{"containers":[]}}}}"#,
        #"{"spec":{"template":{"metadata":"x","spec":{"containers":[]}}}}"#,
        #"{"spec":{"template":{"spec":{"a":1},"metadata":{"annotations":{}},"spec":{"b":2}}}}"#,
    ]

    @Test(arguments: specs)
    func knativeServiceTemplateMapsReadAsAWalkDoes(_ text: String) throws {
        let object = try S.json(text)
        for kind in [S.knativeService, S.secret] {  // cached for a Knative Service, walked for others
            let context = RuleContext(request: S.request(kind, object: object), object: JSONView(object),
                                      configuration: PolicyConfiguration())
            #expect(Outcome { () throws(MalformedObject) in try context.templateAnnotations() }
                    == Outcome { () throws(MalformedObject) in try context.object.object(at: KnativeServiceFields.templateAnnotations) })
            #expect(Outcome { () throws(MalformedObject) in try context.templateLabels() }
                    == Outcome { () throws(MalformedObject) in try context.object.object(at: KnativeServiceFields.templateLabels) })
            #expect(Outcome { () throws(MalformedObject) in try context.templatePodSpec() }
                    == Outcome { () throws(MalformedObject) in try context.object.lookup(KnativeServiceFields.podSpec) })
        }
    }

    @Test func knativeServiceTemplateMapsAreFound() throws {
        let object = try S.json(knativeService(templateAnnotations: #"{"a":"1"}"#, templateLabels: #"{"b":"2"}"#))
        let context = RuleContext(request: S.request(S.knativeService, object: object), object: JSONView(object),
                                  configuration: PolicyConfiguration())
        #expect(try context.templateAnnotations()?["a"]?.stringValue == "1")
        #expect(try context.templateLabels()?["b"]?.stringValue == "2")
        #expect(throws: MalformedObject(path: "spec.template.metadata.labels", expected: "an object")) {
            let malformed = try S.json(#"{"spec":{"template":{"metadata":{"labels":"x"}}}}"#)
            try RuleContext(request: S.request(S.knativeService, object: malformed), object: JSONView(malformed),
                            configuration: PolicyConfiguration()).templateLabels()
        }
    }
}

// The recorded Namespace AdmissionReviews (Fixtures/reviews/*/ns-*) and what the policy answers.
import Admission
import Testing
@testable import Policy

@Suite("Namespace fixtures")
struct NamespaceFixtureTests {
    typealias S = PolicyTestSupport
    typealias E = PolicyTestSupport.FixtureExpectation

    /// With the defaults `namespaces.labelServingSystem` is false, so NS-SERVING-SYSTEM does not
    /// fire on these; `servingNamespaceIsLabelledWhenConfigured` runs the same review with it on.
    static let mutate: [E] = [
        E(name: "ns-create-knative-serving", outcome: "allowed"),
        E(name: "ns-create-shop", outcome: "allowed"),
    ]

    static let validate: [E] = [
        E(name: "ns-create-app-label", outcome: "allowed", rules: ["NS-COST-APP-LABEL"]),
        E(name: "ns-update-app-label", outcome: "allowed", rules: ["NS-COST-APP-LABEL"]),
        E(name: "ns-create-no-app-label", outcome: "allowed"),
        E(name: "ns-create-knative-serving-v1beta1", outcome: "allowed"),
    ]

    @Test(arguments: mutate)
    func mutateFixture(_ expected: E) throws {
        try check(S.decide("mutate", expected.name), expected)
    }

    @Test(arguments: validate)
    func validateFixture(_ expected: E) throws {
        try check(S.decide("validate", expected.name), expected)
    }

    @Test func servingNamespaceIsLabelledWhenConfigured() throws {
        let request = try S.request(fromReview: S.fixtureReview("mutate", "ns-create-knative-serving"))
        let (first, second, _) = try S.mutateTwice(S.policy { $0.namespaces.labelServingSystem = true }, request)
        #expect(first.ruleIDs == ["NS-SERVING-SYSTEM"])
        #expect(second.response.patch == nil)
        let other = try S.request(fromReview: S.fixtureReview("mutate", "ns-create-shop"))
        #expect(S.policy { $0.namespaces.labelServingSystem = true }.mutate(other).response.patch == nil)
    }

    @Test func everyFixtureHasAnExpectation() throws {
        #expect(try S.fixtureCases("mutate", prefix: "ns-") == Self.mutate.map(\.name).sorted())
        #expect(try S.fixtureCases("validate", prefix: "ns-") == Self.validate.map(\.name).sorted())
    }
}

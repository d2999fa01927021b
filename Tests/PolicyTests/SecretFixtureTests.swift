// The recorded Secret AdmissionReviews (Fixtures/reviews/mutate/secret-*) and what the policy answers.
import Admission
import Testing
@testable import Policy

@Suite("Secret fixtures")
struct SecretFixtureTests {
    typealias S = PolicyTestSupport
    typealias E = PolicyTestSupport.FixtureExpectation

    static let mutate: [E] = [
        E(name: "secret-create-tls-no-labels", outcome: "patched", rules: ["SECRET-CERT-UID"]),
        E(name: "secret-update-knative-certificate-owner", outcome: "patched", rules: ["SECRET-CERT-UID"]),
        E(name: "secret-create-tls-already-labelled", outcome: "allowed"),
        E(name: "secret-create-opaque", outcome: "allowed"),
        E(name: "secret-create-tls-v1beta1-dry-run", outcome: "patched", rules: ["SECRET-CERT-UID"]),
    ]

    @Test(arguments: mutate)
    func mutateFixture(_ expected: E) throws {
        try check(S.decide("mutate", expected.name), expected)
    }

    @Test func theCertificateOwnerUIDIsUsed() throws {
        let decision = try S.decide("mutate", "secret-update-knative-certificate-owner")
        #expect(decision.response.patch?.operations.last?.jsonValue["value"] == "8f0c2d1e-6b4a-4e9f-a3c7-1d5e9b2f4a60")
    }

    @Test func everyFixtureHasAnExpectation() throws {
        #expect(try S.fixtureCases("mutate", prefix: "secret-") == Self.mutate.map(\.name).sorted())
        #expect(try S.fixtureCases("validate", prefix: "secret-").isEmpty)
    }
}

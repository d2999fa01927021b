// The recorded Knative Service AdmissionReviews (Fixtures/reviews/*/ksvc-*) and what the policy answers.
import Admission
import Testing
@testable import Policy

/// Checks the outcome and the rules that fired for each fixture, so a fixture that no longer
/// shows what its name says fails here before its golden response is regenerated.
@Suite("KnativeService fixtures")
struct KnativeServiceFixtureTests {
    typealias S = PolicyTestSupport
    typealias E = PolicyTestSupport.FixtureExpectation

    static let mutate: [E] = [
        E(name: "ksvc-create-no-annotation-maps", outcome: "patched", rules: ["KSVC-SIDECAR", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-mesh-ready", outcome: "allowed"),
        E(name: "ksvc-create-explicit-false-kept", outcome: "patched", rules: ["KSVC-SIDECAR"]),
        E(name: "ksvc-create-keys-with-slash-and-tilde", outcome: "patched", rules: ["KSVC-SIDECAR", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-v1beta1-dry-run", outcome: "patched", rules: ["KSVC-SIDECAR", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-update-gpu-annotation-multi-container", outcome: "patched", rules: ["KSVC-GPU"]),
        E(name: "ksvc-create-gpu-requests-copied-to-limits", outcome: "patched", rules: ["KSVC-GPU"]),
        E(name: "ksvc-create-gpu-invalid-request-untouched", outcome: "allowed"),
        E(name: "ksvc-create-malformed-template", outcome: "allowed", code: 400, rules: ["KSVC-SIDECAR"]),
        E(name: "ksvc-delete", outcome: "allowed"),
    ]

    static let validate: [E] = [
        E(name: "ksvc-create-mesh-ready", outcome: "allowed"),
        E(name: "ksvc-create-sidecar-false", outcome: "denied", code: 403, rules: ["KSVC-SIDECAR-REQUIRED"]),
        E(name: "ksvc-create-sidecar-label-false", outcome: "denied", code: 403, rules: ["KSVC-SIDECAR-REQUIRED", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-passthrough-invalid-value", outcome: "denied", code: 422, rules: ["KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-passthrough-without-sidecar", outcome: "denied", code: 403, rules: ["KSVC-SIDECAR-REQUIRED", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-passthrough-on-template", outcome: "allowed", rules: ["KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-sidecar-annotation-on-service", outcome: "allowed", rules: ["KSVC-SIDECAR-PLACEMENT"]),
        E(name: "ksvc-create-gpu-quantity-1", outcome: "allowed"),
        E(name: "ksvc-create-gpu-quantity-01", outcome: "allowed"),
        E(name: "ksvc-create-gpu-quantity-number-1", outcome: "allowed"),
        E(name: "ksvc-create-gpu-quantity-0", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-quantity-minus-1", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-quantity-0.5", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-quantity-number-0.5", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-quantity-500m", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-quantity-1Gi", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-request-without-limit", outcome: "denied", code: 403, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-annotation-invalid", outcome: "denied", code: 422, rules: ["KSVC-GPU-QUANTITY"]),
        E(name: "ksvc-create-gpu-arch-s390x", outcome: "denied", code: 403, rules: ["KSVC-GPU-ARCH"]),
        E(name: "ksvc-create-gpu-arch-amd64", outcome: "allowed"),
        E(name: "ksvc-update-sidecar-enabled", outcome: "allowed"),
        E(name: "ksvc-update-sidecar-disabled", outcome: "denied", code: 403, rules: ["KSVC-SIDECAR-REQUIRED", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-v1beta1-dry-run-sidecar-false", outcome: "denied", code: 403, rules: ["KSVC-SIDECAR-REQUIRED", "KSVC-PASSTHROUGH"]),
        E(name: "ksvc-create-v1beta1-mesh-ready", outcome: "allowed"),
        E(name: "ksvc-create-malformed-template", outcome: "denied", code: 400,
          rules: ["KSVC-SIDECAR-REQUIRED"]),
        E(name: "ksvc-update-status-subresource", outcome: "allowed"),
    ]

    @Test(arguments: mutate)
    func mutateFixture(_ expected: E) throws {
        try check(S.decide("mutate", expected.name), expected)
    }

    @Test(arguments: validate)
    func validateFixture(_ expected: E) throws {
        try check(S.decide("validate", expected.name), expected)
    }

    @Test func everyFixtureHasAnExpectation() throws {
        #expect(try S.fixtureCases("mutate", prefix: "ksvc-") == Self.mutate.map(\.name).sorted())
        #expect(try S.fixtureCases("validate", prefix: "ksvc-") == Self.validate.map(\.name).sorted())
    }
}

/// Compares a decision with a fixture's expectation; warnings must be valid API server warnings.
func check(_ decision: PolicyDecision, _ expected: PolicyTestSupport.FixtureExpectation, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(decision.outcome == expected.outcome, sourceLocation: sourceLocation)
    #expect(decision.ruleIDs == expected.rules, sourceLocation: sourceLocation)
    if decision.response.allowed {
        #expect(decision.response.status == nil, sourceLocation: sourceLocation)
        if let code = expected.code { #expect(decision.findings.contains { $0.code == code }, sourceLocation: sourceLocation) }
    } else {
        #expect(decision.response.status?.code == expected.code, sourceLocation: sourceLocation)
    }
    for warning in decision.response.warnings where !warning.contains("must be an object") {
        expectValidWarning(warning, sourceLocation: sourceLocation)
    }
}

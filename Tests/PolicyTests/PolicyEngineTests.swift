import Testing
@testable import Policy
import Admission

@Suite("Policy engine")
struct PolicyEngineTests {
    @Test func deleteIsAllowedWithoutRules() {
        let request = AdmissionRequest(uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Secret"), resource: GroupVersionResource(group: "", version: "v1", resource: "secrets"), operation: .delete)
        let decision = Policy().validate(request)
        #expect(decision.response.allowed)
        #expect(decision.response.uid == "u")
    }
}

@Suite("Admission pipeline answer")
struct AdmissionPipelineAnswerTests {
    private static func review(uid: String) -> AdmissionReview {
        AdmissionReview(apiVersion: "admission.k8s.io/v1", request: AdmissionRequest(
            uid: uid, kind: GroupVersionKind(group: "", version: "v1", kind: "Secret"),
            resource: GroupVersionResource(group: "", version: "v1", resource: "secrets"), operation: .create))
    }

    private static let patch = JSONPatch([.add(path: JSONPointer(tokens: ["metadata", "labels"]), value: .object(JSONObject()))])

    /// A decision with another uid is answered with the review's, and keeps its patch on /mutate.
    @Test func theReviewUIDIsEchoedWhateverTheDecisionSays() throws {
        let decision = PolicyDecision(response: AdmissionResponse(uid: "other", allowed: true, patch: Self.patch), findings: [])
        let result = AdmissionPipeline.answer(Self.review(uid: "u-1"), decision, path: .mutate)
        #expect(result.decision.response.uid == "u-1")
        #expect(result.decision.response.patch == Self.patch)
        let answer = try AdmissionReviewEncoder.decodeResponse(result.body).response
        #expect(answer.uid == "u-1")
        #expect(answer.patch == Self.patch)
    }

    /// A /validate answer never carries a patch, even when the decision has one.
    @Test func aValidateAnswerDropsAPatch() throws {
        let decision = PolicyDecision(response: AdmissionResponse(uid: "u-2", allowed: true, patch: Self.patch), findings: [])
        let result = AdmissionPipeline.answer(Self.review(uid: "u-2"), decision, path: .validate)
        #expect(result.decision.response.patch == nil)
        let answer = try AdmissionReviewEncoder.decodeResponse(result.body).response
        #expect(answer.uid == "u-2")
        #expect(answer.patch == nil)
    }

    /// The engine's own decision passes through unchanged, uid and patch included.
    @Test func anEngineDecisionIsEncodedAsItIs() throws {
        let review = Self.review(uid: "u-3")
        let decision = Policy().mutate(review.request)
        let result = AdmissionPipeline.answer(review, decision, path: .mutate)
        #expect(result.decision.response == decision.response)
        #expect(try AdmissionReviewEncoder.decodeResponse(result.body).response == decision.response)
    }
}

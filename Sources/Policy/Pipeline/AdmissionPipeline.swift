// Bytes in, bytes out: decode an AdmissionReview, run the policy, encode the answer.
import Admission

/// Which webhook a review arrived at.
public enum WebhookPath: String, Sendable, CaseIterable {
    case mutate
    case validate
}

/// One answered review: what was asked, what was decided, and the bytes to send back.
public struct AdmissionResult: Sendable {
    public let review: AdmissionReview
    public let decision: PolicyDecision
    /// The encoded AdmissionReview response (same apiVersion and kind as received).
    public let body: [UInt8]
}

/// The whole admission step, shared by the server (`/mutate`, `/validate`), `replay` and
/// `check`. Pure and immutable: any thread, no I/O, no clock. It guarantees the protocol rules
/// of policy.md that do not depend on a rule: the answer echoes the review's apiVersion and
/// `uid`, and a `/validate` answer never carries a patch.
public struct AdmissionPipeline: Sendable {
    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    /// Decodes `body`, decides, encodes. Throws (→ HTTP 400) when `body` is not a decodable
    /// AdmissionReview with a `request.uid`.
    public func handle(_ body: [UInt8], path: WebhookPath) throws(AdmissionReviewError) -> AdmissionResult {
        let review = try AdmissionReviewDecoder.decode(body)
        return handle(review, path: path)
    }

    /// Decides an already decoded review.
    public func handle(_ review: AdmissionReview, path: WebhookPath) -> AdmissionResult {
        var decision: PolicyDecision
        switch path {
        case .mutate:
            decision = policy.mutate(review.request)
        case .validate:
            decision = policy.validate(review.request)
            decision.response.patch = nil
        }
        decision.response.uid = review.request.uid
        let body = AdmissionReviewEncoder.encode(decision.response, apiVersion: review.apiVersion)
        return AdmissionResult(review: review, decision: decision, body: body)
    }
}

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

    /// Decides an already decoded review (taken: it moves into the result).
    public func handle(_ review: consuming AdmissionReview, path: WebhookPath) -> AdmissionResult {
        let decision = path == .mutate ? policy.mutate(review.request) : policy.validate(review.request)
        return AdmissionPipeline.answer(review, decision, path: path)
    }

    /// The result for `decision` on `review`, both moved into it. The engine answers with the
    /// request's `uid` (the same String) and never patches on /validate, so this checks both
    /// rather than setting them; a decision that breaks either is fixed here. Setting them in
    /// a local `var`, and taking the two values borrowed, copied both into the result and
    /// destroyed the locals (/mutate 45,247 -> 44,960 instructions per review, callgrind);
    /// setting the uid unconditionally here measured 95 more.
    static func answer(_ review: consuming AdmissionReview, _ decision: consuming PolicyDecision,
                       path: WebhookPath) -> AdmissionResult {
        if decision.response.uid != review.request.uid { decision.response.uid = review.request.uid }
        if path == .validate, decision.response.patch != nil { decision.response.patch = nil }
        let body = AdmissionReviewEncoder.encode(decision.response, apiVersion: review.apiVersion)
        return AdmissionResult(review: review, decision: decision, body: body)
    }
}

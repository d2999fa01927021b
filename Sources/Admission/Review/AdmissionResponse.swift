// The `response` of an AdmissionReview: allowed or denied, with an optional JSON Patch and warnings.

/// The answer to one review. Built by the policy engine, encoded by `AdmissionReviewEncoder`.
/// A value; any thread.
public struct AdmissionResponse: Sendable, Equatable {
    /// `status` of a denial: HTTP-style code, reason and message (metav1.Status).
    public struct Status: Sendable, Equatable {
        public var code: Int
        public var reason: String
        public var message: String

        public init(code: Int, reason: String, message: String) {
            self.code = code
            self.reason = reason
            self.message = message
        }
    }

    public var uid: String
    public var allowed: Bool
    public var status: Status?
    /// Never set on validating answers; nil when nothing changes (no `patch`, no `patchType`).
    public var patch: JSONPatch?
    public var warnings: [String]

    public init(uid: String, allowed: Bool, status: Status? = nil, patch: JSONPatch? = nil, warnings: [String] = []) {
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.patch = patch
        self.warnings = warnings
    }
}

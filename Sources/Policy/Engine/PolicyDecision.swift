// The outcome of running the policy on one review: the response and the rules that fired.
import Admission

/// What the engine decided for one review. A value; any thread. `findings` lists every rule
/// that fired, with the effect it finally had (after `enforcement`, `rules.warnOnly`), for the
/// `webhook_rule_hits_total` metric and the log line; `response` is what is sent back.
public struct PolicyDecision: Sendable {
    public var response: AdmissionResponse
    public var findings: [Finding]

    public init(response: AdmissionResponse, findings: [Finding]) {
        self.response = response
        self.findings = findings
    }

    /// "allowed", "denied" or "patched", for logs and metrics.
    public var outcome: String {
        if !response.allowed { return "denied" }
        return response.patch == nil ? "allowed" : "patched"
    }

    /// The IDs of the rules that fired, in order, without repeats.
    public var ruleIDs: [String] {
        var seen = Set<String>()
        return findings.compactMap { seen.insert($0.ruleID).inserted ? $0.ruleID : nil }
    }
}

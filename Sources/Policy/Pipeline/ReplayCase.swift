// One recorded review replayed through the pipeline: golden comparison and the idempotency check.
import Admission

/// What replaying one `<case>.request.json` found. A value; any thread.
public struct ReplayOutcome: Sendable {
    public let result: AdmissionResult
    /// Differences from `<case>.response.json`, one per line; nil when it matched or is absent.
    public let goldenDifference: String?
    /// Set when applying the patch and mutating again still patched (or the patch did not apply).
    public let idempotencyFailure: String?

    public var passed: Bool { goldenDifference == nil && idempotencyFailure == nil }
}

/// The replay logic shared by `serverless-mesh-webhook replay` and the fixture tests, so the
/// tests run exactly the code path users run. Pure: the caller reads and writes the files.
public enum ReplayCase {
    /// Runs `request` through `pipeline` at `path`, compares with `golden` (if any), and for a
    /// patched mutation applies the patch and mutates again, which must yield no patch.
    public static func evaluate(request: [UInt8], golden: [UInt8]?, path: WebhookPath, pipeline: AdmissionPipeline) throws(AdmissionReviewError) -> ReplayOutcome {
        let result = try pipeline.handle(request, path: path)
        let difference = golden.flatMap { compare(expected: $0, actual: result.body) }
        let idempotency = path == .mutate ? idempotencyFailure(result, pipeline: pipeline) : nil
        return ReplayOutcome(result: result, goldenDifference: difference, idempotencyFailure: idempotency)
    }

    /// Differences between two encoded AdmissionReview responses, compared as decoded values
    /// (so formatting and key order do not matter, but the patch operations do).
    public static func compare(expected: [UInt8], actual: [UInt8]) -> String? {
        let want: (apiVersion: String, response: AdmissionResponse)
        let got: (apiVersion: String, response: AdmissionResponse)
        do {
            want = try AdmissionReviewEncoder.decodeResponse(expected)
        } catch {
            return "the golden response cannot be read: \(error)"
        }
        do {
            got = try AdmissionReviewEncoder.decodeResponse(actual)
        } catch {
            return "the response cannot be read back: \(error)"
        }
        var lines: [String] = []
        if want.apiVersion != got.apiVersion { lines.append("apiVersion: expected \(want.apiVersion), got \(got.apiVersion)") }
        let w = want.response, g = got.response
        if w.uid != g.uid { lines.append("uid: expected \(w.uid), got \(g.uid)") }
        if w.allowed != g.allowed { lines.append("allowed: expected \(w.allowed), got \(g.allowed)") }
        if w.status != g.status { lines.append("status: expected \(describe(w.status)), got \(describe(g.status))") }
        if w.patch != g.patch { lines.append("patch: expected \(describe(w.patch)), got \(describe(g.patch))") }
        if w.warnings != g.warnings { lines.append("warnings: expected \(w.warnings), got \(g.warnings)") }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// Applies a mutation's patch to the object and mutates the result again (as the API
    /// server does with `reinvocationPolicy: IfNeeded`): a second patch means not idempotent.
    public static func idempotencyFailure(_ result: AdmissionResult, pipeline: AdmissionPipeline) -> String? {
        guard let patch = result.decision.response.patch, !patch.isEmpty, let object = result.review.request.object else { return nil }
        let patched: JSONValue
        do {
            patched = try patch.apply(to: object.materialized())
        } catch {
            return "the patch does not apply to the object: \(error.description)"
        }
        var again = result.review
        again.request.object = JSONView(patched)
        let second = pipeline.handle(again, path: .mutate)
        guard let extra = second.decision.response.patch, !extra.isEmpty else { return nil }
        return "mutating the patched object patches again: \(describe(extra))"
    }

    static func describe(_ status: AdmissionResponse.Status?) -> String {
        guard let status else { return "none" }
        return "\(status.code) \(status.reason): \(status.message)"
    }

    static func describe(_ patch: JSONPatch?) -> String {
        guard let patch else { return "none" }
        return String(decoding: patch.encoded(), as: UTF8.self)
    }
}

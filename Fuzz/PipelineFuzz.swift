// libFuzzer entry point for the whole review pipeline: bytes → AdmissionReview → policy → response.
import Admission
import Policy

/// The fuzz target, linked by scripts/fuzz.sh against the Admission, Policy and Yams modules
/// built with the same sanitizers. libFuzzer calls it on its one thread.
///
/// Every input is handled at /mutate and /validate by three policies (the defaults, kourier,
/// and label injection with namespace labelling, so that every rule is reachable). A thrown
/// `AdmissionReviewError` (HTTP 400) is fine if its message is non-empty and has no C0 control. An answer must
/// - read back with `AdmissionReviewEncoder.decodeResponse` (what kube-apiserver checks) into
///   the very response the policy decided, in the apiVersion received, with the uid echoed;
/// - on /validate: no patch; a denial carries status 400, 403 or 422 and a message;
/// - on /mutate: allowed; a patch applies to the object, and mutating the patched object
///   patches nothing more (`ReplayCase.idempotencyFailure`, policy.md);
/// - carry warnings that are single-line without control characters (policy.md).
/// Anything else traps (deliberately, this is a test harness). It does not run in the server.
@_cdecl("LLVMFuzzerTestOneInput")
public func pipelineFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for pipeline in PipelineFuzz.pipelines {
        for path in WebhookPath.allCases {
            PipelineFuzz.check(bytes, path: path, pipeline: pipeline)
        }
    }
    return 0
}

enum PipelineFuzz {
    static let configurations = [
        "",
        "integration: kourier\n",
        "knativeService:\n  sidecarInjection: label\n  gpu:\n    maxPerService: 2\nnamespaces:\n  labelServingSystem: true\n",
    ]

    static let pipelines: [AdmissionPipeline] = configurations.map { yaml in
        do {
            return AdmissionPipeline(policy: Policy(configuration: try PolicyConfiguration.load(yaml: yaml)))
        } catch {
            fatalError("fuzz configuration does not load: \(error)")
        }
    }

    static func check(_ bytes: [UInt8], path: WebhookPath, pipeline: AdmissionPipeline) {
        let result: AdmissionResult
        do {
            result = try pipeline.handle(bytes, path: path)
        } catch {
            guard !error.message.isEmpty, !error.message.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                fatalError("error message empty or not one line: \(error.message.debugDescription)")
            }
            return
        }
        let decoded: (apiVersion: String, response: AdmissionResponse)
        do {
            decoded = try AdmissionReviewEncoder.decodeResponse(result.body)
        } catch {
            fatalError("\(path): the answer does not read back: \(error); \(String(decoding: result.body, as: UTF8.self))")
        }
        let response = decoded.response
        guard decoded.apiVersion == result.review.apiVersion else { fatalError("\(path): apiVersion \(decoded.apiVersion) not echoed") }
        guard response.uid == result.review.request.uid else { fatalError("\(path): uid not echoed") }
        guard response == result.decision.response else {
            fatalError("\(path): the encoded answer differs from the decision: \(response) vs \(result.decision.response)")
        }
        for warning in response.warnings where !isOneLine(warning) {
            fatalError("\(path): warning not single-line or has control characters: \(warning.debugDescription)")
        }
        switch path {
        case .validate:
            guard response.patch == nil else { fatalError("validate answered with a patch") }
            if !response.allowed {
                guard let status = response.status, [400, 403, 422].contains(status.code), !status.message.isEmpty else {
                    fatalError("denial without a proper status: \(String(describing: response.status))")
                }
            }
        case .mutate:
            guard response.allowed else { fatalError("mutate denied") }
            if let failure = ReplayCase.idempotencyFailure(result, pipeline: pipeline) {
                fatalError("mutate: \(failure)")
            }
        }
    }

    /// No line break, no C0/C1 control, no line or paragraph separator.
    static func isOneLine(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: return false
            default: return true
            }
        }
    }
}

// libFuzzer entry point for the policy configuration loader: arbitrary text → PolicyConfiguration.load(yaml:).
import Admission
import Policy

/// The fuzz target, linked by scripts/fuzz.sh against the Admission, Policy and Yams modules
/// (and libyaml) built with the same sanitizers. libFuzzer calls it on its one thread.
///
/// The bytes are decoded as the server reads `--config` (`String(decoding:as: UTF8.self)`) and
/// loaded. A `ConfigurationError` is fine if its message is non-empty and one line (startup
/// prints it as the one line on stderr). A configuration that loads must build a `Policy`
/// that answers a small Knative Service review at /mutate and /validate. Anything else traps
/// (deliberately, this is a test harness). It does not run in the server.
@_cdecl("LLVMFuzzerTestOneInput")
public func configurationFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    let configuration: PolicyConfiguration
    do {
        configuration = try PolicyConfiguration.load(yaml: text)
    } catch {
        let message = error.description
        let lineBreaking = message.unicodeScalars.contains { (0x00..<0x20).contains($0.value) || (0x7F..<0xA0).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
        guard !message.isEmpty, !lineBreaking else {
            fatalError("configuration error message empty or not one line: \(message.debugDescription)")
        }
        return 0
    }
    let pipeline = AdmissionPipeline(policy: Policy(configuration: configuration))
    for path in WebhookPath.allCases {
        do {
            let result = try pipeline.handle(ConfigurationFuzz.review, path: path)
            guard (try? AdmissionReviewEncoder.decodeResponse(result.body)) != nil else { fatalError("answer does not read back") }
        } catch {
            fatalError("the sample review was refused: \(error)")
        }
    }
    return 0
}

enum ConfigurationFuzz {
    /// A Knative Service with a GPU annotation and a sidecar annotation on its own metadata,
    /// so that most Knative Service rules read their configuration.
    static let review = Array("""
    {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
    "kind":{"group":"serving.knative.dev","version":"v1","kind":"Service"},
    "resource":{"group":"serving.knative.dev","version":"v1","resource":"services"},
    "operation":"CREATE","namespace":"demo","name":"hello","object":{"apiVersion":"serving.knative.dev/v1",
    "kind":"Service","metadata":{"name":"hello","namespace":"demo","annotations":{"sidecar.istio.io/inject":"true"}},
    "spec":{"template":{"metadata":{"annotations":{"serverless-mesh-webhook.io/gpu":"2"}},
    "spec":{"nodeSelector":{"kubernetes.io/arch":"s390x"},"containers":[{"image":"x",
    "resources":{"requests":{"nvidia.com/gpu":"1"}}}]}}}}}}
    """.utf8)
}

// Benchmark only (not shipped): the admission pipeline on our JSON beside the same pipeline on Foundation's JSON.
//
// Usage: pipeline-bench [--count N] [--webhook mutate|validate] REVIEW.json...
// Both variants run the same policy; they differ only in how the review is parsed and the
// response written: ours (JSONParser + AdmissionReviewEncoder) versus JSONSerialization in
// both directions (plus the conversion of Foundation's objects into a JSONValue, which the
// decoder then indexes into the JSONView the policy reads).
// This target exists only for the comparison in the README; delete it when that goes.
import Admission
import Foundation
import Policy

func jsonValue(_ any: Any) -> JSONValue {
    switch any {
    case let string as String: return .string(string)
    case let number as NSNumber:
        if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
        return .number(JSONNumber(text: number.stringValue) ?? JSONNumber(0))
    case let array as [Any]: return .array(array.map(jsonValue))
    case let dictionary as [String: Any]:
        var object = JSONObject()
        for (key, value) in dictionary { object.set(key, to: jsonValue(value)) }
        return .object(object)
    default: return .null
    }
}

func foundationObject(_ value: JSONValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let n): return n.int64Value.map { NSNumber(value: $0) } ?? NSNumber(value: n.doubleValue)
    case .string(let s): return s
    case .array(let a): return a.map(foundationObject)
    case .object(let o): return Dictionary(o.members.map { ($0.key, foundationObject($0.value)) }, uniquingKeysWith: { $1 })
    }
}

func foundationPipeline(_ body: Data, policy: Policy, path: WebhookPath) throws -> Data {
    let review = try AdmissionReviewDecoder.decode(json: jsonValue(try JSONSerialization.jsonObject(with: body)))
    let decision = path == .mutate ? policy.mutate(review.request) : policy.validate(review.request)
    var response: [String: Any] = ["uid": decision.response.uid, "allowed": decision.response.allowed]
    if let status = decision.response.status {
        response["status"] = ["code": status.code, "reason": status.reason, "message": status.message]
    }
    if let patch = decision.response.patch, path == .mutate {
        response["patchType"] = "JSONPatch"
        response["patch"] = try JSONSerialization.data(withJSONObject: foundationObject(patch.jsonValue)).base64EncodedString()
    }
    if !decision.response.warnings.isEmpty { response["warnings"] = decision.response.warnings }
    return try JSONSerialization.data(withJSONObject: ["apiVersion": review.apiVersion, "kind": "AdmissionReview", "response": response])
}

func measure(_ count: Int, _ body: () -> Int) -> (rate: Double, p50: Double, p99: Double) {
    var sink = 0
    for _ in 0..<min(count, 500) { sink &+= body() }
    var samples: [UInt64] = []
    samples.reserveCapacity(count)
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<count {
        let t0 = DispatchTime.now().uptimeNanoseconds
        sink &+= body()
        samples.append(DispatchTime.now().uptimeNanoseconds - t0)
    }
    let total = Double(DispatchTime.now().uptimeNanoseconds - start)
    samples.sort()
    if sink == 0 { print("(no output)") }
    return (Double(count) / (total / 1e9), Double(samples[count / 2]) / 1000, Double(samples[min(count - 1, count * 99 / 100)]) / 1000)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var count = 20_000
var path = WebhookPath.mutate
var files: [String] = []
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--count": count = Int(arguments.removeFirst()) ?? count
    case "--webhook": path = WebhookPath(rawValue: arguments.removeFirst()) ?? path
    default: files.append(argument)
    }
}
let policy = Policy()
let pipeline = AdmissionPipeline(policy: policy)
print("variant      file                      bytes   reviews/s    p50 µs    p99 µs")
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { print("cannot read \(file)"); exit(2) }
    let bytes = [UInt8](data)
    let n = bytes.count > 100_000 ? max(1, count / 200) : count
    let ours = measure(n) { (try? pipeline.handle(bytes, path: path))?.body.count ?? 0 }
    let foundation = measure(n) { (try? foundationPipeline(data, policy: policy, path: path))?.count ?? 0 }
    let name = URL(fileURLWithPath: file).lastPathComponent
    for (variant, r) in [("ours", ours), ("foundation", foundation)] {
        print(variant.padding(toLength: 12, withPad: " ", startingAt: 0), name.padding(toLength: 24, withPad: " ", startingAt: 0),
              String(bytes.count).padding(toLength: 8, withPad: " ", startingAt: 0),
              String(Int(r.rate)).padding(toLength: 12, withPad: " ", startingAt: 0),
              String(format: "%8.1f  %8.1f", r.p50, r.p99))
    }
    print(String(format: "ratio ours/foundation: %.2fx reviews/s", ours.rate / foundation.rate))
}

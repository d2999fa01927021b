// KSVC-GPU-QUANTITY: GPU counts are whole numbers, requests equal limits, a total cap (doc §3.1).
import Admission

/// Validation KSVC-GPU-QUANTITY (doc §3.1), both modes. Every GPU entry in `requests` and
/// `limits` of every container and init container is a whole number >= 1 (see `GPUQuantity`:
/// `"1"`, `"01"` and `1` pass; `0`, `-1`, `0.5`, `"500m"`, `"1Gi"` do not) and so is the GPU
/// annotation: deny 422. A request needs a limit and must equal it, and the Service's total
/// stays within `gpu.maxPerService` when that is set: deny 403. The total is the pod's
/// effective request as Kubernetes computes it: the larger of the sum over app containers and
/// the largest init container, with the annotation's count standing for the first container's.
/// Stateless; any thread. It reports one finding naming the first problem (malformed values
/// first) and how many more there are, and deliberately does not look at other resources.
struct KnativeServiceGPUQuantityValidation: ValidationRule {
    let ids = ["KSVC-GPU-QUANTITY"]

    func applies(to context: RuleContext) -> Bool {
        KnativeServiceFields.isKnativeService(context)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        let gpu = context.configuration.knativeService.gpu
        let resource = gpu.resource
        var invalid: [String] = []
        var refused: [String] = []
        let wholeNumber = "a GPU count must be a whole number of at least 1 (doc §3.1)"

        var annotationCount: Int64?
        if let text = try JSONView.string(forKey: gpu.annotation, in: context.templateAnnotations(), at: KnativeServiceFields.templateAnnotations) {
            annotationCount = GPUQuantity(text: text).positiveCount
            if annotationCount == nil {
                let field = FindingText.field(KnativeServiceFields.templateAnnotations, key: gpu.annotation)
                invalid.append("\(field) is \(FindingText.quoted(text)); \(wholeNumber). Fix: write a count such as \"1\" or remove it.")
            }
        }

        var appTotal: Int64 = 0
        var largestInit: Int64 = 0
        var firstApp = true
        for entry in try KnativeServiceGPUResources.read(context, resource: resource, includingFirstAppContainer: annotationCount != nil) {
            var request: Int64?
            var limit: Int64?
            if let value = entry.request {
                request = GPUQuantity(value).positiveCount
                if request == nil { invalid.append(badValue(entry.requestPath, resource, value, wholeNumber)) }
            }
            if let value = entry.limit {
                limit = GPUQuantity(value).positiveCount
                if limit == nil { invalid.append(badValue(entry.limitPath, resource, value, wholeNumber)) }
            }
            if let request, let requestValue = entry.request {
                let requestField = FindingText.field(entry.requestPath, key: resource)
                if entry.limit == nil {
                    refused.append("\(requestField) is \(GPUQuantity.display(requestValue)) but limits has no \(resource); Kubernetes needs a GPU limit equal to the request (doc §3.1). Fix: set limits[\(FindingText.quoted(resource))] to \(request).")
                } else if let limit, limit != request {
                    refused.append("\(requestField) is \(request) but the limit is \(limit); Kubernetes needs a GPU request to equal its limit (doc §3.1). Fix: make them equal or drop the request.")
                }
            }
            var count = max(request ?? 0, limit ?? 0)
            if !entry.isInitContainer, firstApp {
                firstApp = false
                if let annotationCount { count = annotationCount }
            }
            if entry.isInitContainer {
                largestInit = max(largestInit, count)
            } else {
                appTotal = appTotal > Int64.max - count ? Int64.max : appTotal + count
            }
        }

        let total = max(appTotal, largestInit)
        if gpu.maxPerService > 0, total > Int64(gpu.maxPerService) {
            refused.append("the Service asks for \(total) \(resource), more than gpu.maxPerService (\(gpu.maxPerService)) allows (doc §3.1). Fix: request at most \(gpu.maxPerService).")
        }

        let problems = invalid + refused
        guard var message = problems.first else { return [] }
        if problems.count > 1 { message += " (\(problems.count - 1) more GPU problem\(problems.count == 2 ? "" : "s") in this Service.)" }
        return [context.finding(ids[0], .deny, message, code: invalid.isEmpty ? 403 : 422)]
    }

    private func badValue(_ map: [String], _ resource: String, _ value: JSONView, _ why: String) -> String {
        "\(FindingText.field(map, key: resource)) is \(GPUQuantity.display(value)); \(why). Fix: write a count such as \"1\"."
    }
}

// The GPU values of the containers of a Knative Service's revision template (doc §3.1).
import Admission

/// Reads `resources.requests[gpu]` and `resources.limits[gpu]` of each entry of
/// `spec.template.spec.containers` and then `initContainers` (Kubernetes applies the same
/// extended-resource rules to both). Stateless; any thread. It deliberately copies no container
/// and judges nothing: the GPU rules decide what the values mean.
enum KnativeServiceGPUResources {
    /// One container's GPU values; nil when absent or null.
    struct Entry: Sendable {
        var isInitContainer: Bool
        var index: Int
        var request: JSONView?
        var limit: JSONView?

        /// `spec.template.spec.containers.0` style path of the container (built when a
        /// message or a patch needs it, not for every container read).
        var path: [String] {
            (isInitContainer ? KnativeServiceFields.initContainers : KnativeServiceFields.containers) + [String(index)]
        }

        var requestPath: [String] { path + ["resources", "requests"] }
        var limitPath: [String] { path + ["resources", "limits"] }
    }

    private static let requests: JSONPath = ["resources", "requests"]
    private static let limits: JSONPath = ["resources", "limits"]

    /// The containers with a GPU request or limit, app containers first, in order; with
    /// `includingFirstAppContainer`, also the first app container whatever it holds (the
    /// annotation's count goes there). Every container is checked all the same: throws when a
    /// list, a container, or a map on the way to the GPU values has the wrong type. A Service
    /// without GPUs (nearly all of them) gets an empty array, which allocates nothing.
    static func read(_ context: borrowing RuleContext, resource: String, includingFirstAppContainer: Bool = false) throws(MalformedObject) -> [Entry] {
        var entries: [Entry] = []
        // One walk to the pod spec for both lists (the same answers and errors as a walk to
        // each list: 3,250 → 2,910 instructions per review with `resources` read once below),
        // made by the review's `RuleContext` with its walk to the template's metadata.
        guard let podSpec = try context.templatePodSpec() else { return entries }
        guard podSpec.isObject else { throw MalformedObject(path: KnativeServiceFields.At.podSpec.description, expected: "an object") }
        // Both lists found in one scan of the pod spec (`members`), as are `requests` and
        // `limits` below: /mutate 44,803 -> 44,656 instructions per review (callgrind).
        let (containers, initContainers) = podSpec.members("containers", "initContainers")
        try read(containers, KnativeServiceFields.containers, isInit: false, resource,
                 includingFirst: includingFirstAppContainer, into: &entries)
        try read(initContainers, KnativeServiceFields.initContainers, isInit: true, resource,
                 includingFirst: false, into: &entries)
        return entries
    }

    private static func read(_ list: JSONView?, _ listPath: [String], isInit: Bool, _ resource: String,
                             includingFirst: Bool, into entries: inout [Entry]) throws(MalformedObject) {
        guard let list, !list.isNull else { return }
        guard list.isArray else { throw MalformedObject(path: JSONView.dotted(listPath), expected: "a list") }
        var index = 0
        var next = list.firstElement
        while let container = next {
            guard container.isObject else {
                throw MalformedObject(path: FindingText.field(listPath + [String(index)]), expected: "an object")
            }
            do throws(MalformedObject) {
                // As `lookup(["resources", "requests", resource])` and the same for limits,
                // with `resources` found once.
                var request: JSONView?
                var limit: JSONView?
                if let resources = container["resources"], !resources.isNull {
                    guard resources.isObject else { throw MalformedObject(path: "resources", expected: "an object") }
                    let (requests, limits) = resources.members("requests", "limits")
                    request = try value(requests, "requests", resource)
                    limit = try value(limits, "limits", resource)
                }
                if request != nil || limit != nil || (includingFirst && index == 0) {
                    entries.append(Entry(isInitContainer: isInit, index: index, request: request, limit: limit))
                }
            } catch {
                throw MalformedObject(path: FindingText.field(listPath + [String(index)]) + "." + error.path, expected: error.expected)
            }
            index += 1
            next = list.element(after: container)
        }
    }

    /// `values[resource]`, where `values` is `resources[map]`: nil when absent or null; throws
    /// when `values` is not a map.
    private static func value(_ values: JSONView?, _ map: String, _ resource: String) throws(MalformedObject) -> JSONView? {
        guard let values, !values.isNull else { return nil }
        guard values.isObject else { throw MalformedObject(path: "resources." + map, expected: "an object") }
        return values[resource].flatMap { $0.isNull ? nil : $0 }
    }
}

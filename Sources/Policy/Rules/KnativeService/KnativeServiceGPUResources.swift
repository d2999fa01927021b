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
    static func read(_ object: JSONView, resource: String, includingFirstAppContainer: Bool = false) throws(MalformedObject) -> [Entry] {
        var entries: [Entry] = []
        try read(object, KnativeServiceFields.At.containers, isInit: false, resource, includingFirst: includingFirstAppContainer, into: &entries)
        try read(object, KnativeServiceFields.At.initContainers, isInit: true, resource, includingFirst: false, into: &entries)
        return entries
    }

    private static func read(_ object: JSONView, _ list: JSONPath, isInit: Bool, _ resource: String,
                             includingFirst: Bool, into entries: inout [Entry]) throws(MalformedObject) {
        let listPath = list.keys
        guard let list = try object.lookup(list) else { return }
        guard list.isArray else { throw MalformedObject(path: JSONView.dotted(listPath), expected: "a list") }
        var index = 0
        var next = list.firstElement
        while let container = next {
            guard container.isObject else {
                throw MalformedObject(path: FindingText.field(listPath + [String(index)]), expected: "an object")
            }
            do {
                // As `lookup(["resources", "requests", resource])`, without building the
                // path for every container.
                let request = try container.object(at: Self.requests)?[resource].flatMap { $0.isNull ? nil : $0 }
                let limit = try container.object(at: Self.limits)?[resource].flatMap { $0.isNull ? nil : $0 }
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
}

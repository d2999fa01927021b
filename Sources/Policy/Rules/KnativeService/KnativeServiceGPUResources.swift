// The GPU entries of every container of a Knative Service's revision template (doc §3.1).
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

    private static let requests = ["resources", "requests"]
    private static let limits = ["resources", "limits"]

    /// Every container, app containers first, in order. Throws when a list, a container, or
    /// a map on the way to the GPU values has the wrong type.
    static func read(_ object: JSONView, resource: String) throws(MalformedObject) -> [Entry] {
        var entries: [Entry] = []
        for (listPath, isInit) in [(KnativeServiceFields.containers, false), (KnativeServiceFields.initContainers, true)] {
            guard let list = try object.array(at: listPath) else { continue }
            for (index, container) in list.enumerated() {
                guard container.isObject else {
                    throw MalformedObject(path: FindingText.field(listPath + [String(index)]), expected: "an object")
                }
                do {
                    // As `lookup(["resources", "requests", resource])`, without building the
                    // path for every container.
                    let request = try container.object(at: Self.requests)?[resource].flatMap { $0.isNull ? nil : $0 }
                    let limit = try container.object(at: Self.limits)?[resource].flatMap { $0.isNull ? nil : $0 }
                    entries.append(Entry(isInitContainer: isInit, index: index, request: request, limit: limit))
                } catch {
                    throw MalformedObject(path: FindingText.field(listPath + [String(index)]) + "." + error.path, expected: error.expected)
                }
            }
        }
        return entries
    }
}

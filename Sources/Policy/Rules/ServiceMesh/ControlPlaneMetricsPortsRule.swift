// SMCP-METRICS-PORTS: with data-plane mTLS on, the Serving metrics ports bypass the sidecar (doc §1.4).

/// SMCP-METRICS-PORTS (policy.md; doc §1.4: the mesh otherwise blocks Prometheus from the
/// Serving metrics port). A stateless rule value; any thread. Judges the
/// ServiceMeshControlPlane in `meshNamespace`, in both modes, only when
/// `spec.security.dataPlane.mtls` is `true`: every port of `controlPlane.metricsExcludedPorts`
/// must be in `spec.proxy.networking.trafficControl.inbound.excludedPorts` (whole numbers; any
/// other element is malformed). It deliberately does not require the list to hold nothing else.
struct ControlPlaneMetricsPortsRule: ValidationRule {
    static let id = "SMCP-METRICS-PORTS"
    var ids: [String] { [Self.id] }

    private static let path = ["spec", "proxy", "networking", "trafficControl", "inbound", "excludedPorts"]
    private static let dottedPath = "spec.proxy.networking.trafficControl.inbound.excludedPorts"

    func applies(to context: RuleContext) -> Bool {
        !context.configuration.controlPlane.metricsExcludedPorts.isEmpty
            && context.isMeshObject(.controlPlane, in: context.configuration.meshNamespace)
    }

    func validate(_ context: RuleContext) throws(MalformedObject) -> [Finding] {
        guard try context.object.flag(at: ["spec", "security", "dataPlane", "mtls"]) == true else { return [] }
        var excluded: [Int64] = []
        if let list = try context.object.array(at: Self.path) {
            for (index, element) in list.enumerated() {
                guard let port = element.numberValue?.int64Value else {
                    throw MalformedObject(path: "\(Self.dottedPath)[\(index)]", expected: "a whole number")
                }
                excluded.append(port)
            }
        }
        let missing = context.configuration.controlPlane.metricsExcludedPorts.filter { !excluded.contains(Int64($0)) }
        guard !missing.isEmpty else { return [] }
        let ports = missing.map(String.init).joined(separator: ", ")
        return [context.finding(Self.id, .deny,
            "\(Self.dottedPath) lacks \(ports); with mTLS the mesh blocks Prometheus from the Serving metrics port (doc §1.4). Fix: add \(ports) to that list.")]
    }
}


// Loads and validates the policy configuration file (YAML, policy.md "Configuration").
import Yams

extension PolicyConfiguration {
    /// The keys of each mapping, for unknown-key errors and "did you mean" hints.
    static let topLevelKeys = ["integration", "enforcement", "meshNamespace", "servingNamespace", "servingIngressNamespace",
                               "memberRoll", "controlPlane", "gateways", "knativeService", "secrets", "namespaces", "rules"]
    static let memberRollKeys = ["requiredMembers"]
    static let controlPlaneKeys = ["requireMTLS", "minVersion", "metricsExcludedPorts"]
    static let gatewaysKeys = ["selector", "credentialName"]
    static let knativeServiceKeys = ["sidecarInjection", "rewriteAppHTTPProbers", "passthrough", "gpu"]
    static let gpuKeys = ["resource", "annotation", "maxPerService", "unsupportedArchitectures"]
    static let secretsKeys = ["certificateUIDLabel", "namespaces", "types"]
    static let namespacesKeys = ["labelServingSystem", "warnCostAppLabel"]
    static let rulesKeys = ["disabled", "warnOnly"]

    /// Parses the YAML text of a configuration file. Every key is optional (absent or null
    /// keeps the documented default); unknown keys, wrong types and invalid values throw a
    /// `ConfigurationError` naming the key. An empty file, or one holding only comments, gives
    /// the defaults. `knativeService.passthrough` defaults to false under `integration:
    /// kourier` unless the file sets it. Reading the file is the caller's job (this module
    /// imports no Foundation).
    public static func load(yaml: String) throws(ConfigurationError) -> PolicyConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError.yaml(error)
        }
        var configuration = PolicyConfiguration()
        guard let root, !ConfigurationMapping.isNull(root) else { return configuration }
        let top: ConfigurationMapping
        do {
            top = try ConfigurationMapping(root, path: "")
        } catch {
            throw .invalid("", "the configuration must be a mapping of keys, got \(ConfigurationMapping.describe(root))", at: root.mark)
        }
        try top.requireKnownKeys(topLevelKeys)

        if let value = try top.choice("integration", Integration.self) { configuration.integration = value }
        if let value = try top.choice("enforcement", Enforcement.self) { configuration.enforcement = value }
        if let value = try namespaceName(top, "meshNamespace") { configuration.meshNamespace = value }
        if let value = try namespaceName(top, "servingNamespace") { configuration.servingNamespace = value }
        if let value = try namespaceName(top, "servingIngressNamespace") { configuration.servingIngressNamespace = value }

        if let section = try top.mapping("memberRoll") {
            try section.requireKnownKeys(memberRollKeys)
            if let value = try section.strings("requiredMembers", check: KubernetesNameSyntax.dns1123LabelProblem) {
                configuration.memberRoll.requiredMembers = value
            }
        }
        if let section = try top.mapping("controlPlane") {
            try loadControlPlane(section, into: &configuration.controlPlane)
        }
        if let section = try top.mapping("gateways") {
            try section.requireKnownKeys(gatewaysKeys)
            if let value = try section.stringMap("selector", checkKey: KubernetesNameSyntax.qualifiedNameProblem) {
                configuration.gateways.selector = value
            }
            if let value = try nonEmptyString(section, "credentialName") { configuration.gateways.credentialName = value }
        }
        var passthroughSet = false
        if let section = try top.mapping("knativeService") {
            passthroughSet = try loadKnativeService(section, into: &configuration.knativeService)
        }
        if configuration.integration == .kourier && !passthroughSet {
            configuration.knativeService.passthrough = false
        }
        if let section = try top.mapping("secrets") {
            try section.requireKnownKeys(secretsKeys)
            if let value = try qualifiedName(section, "certificateUIDLabel") { configuration.secrets.certificateUIDLabel = value }
            if let value = try section.strings("namespaces", check: KubernetesNameSyntax.dns1123LabelProblem) {
                configuration.secrets.namespaces = value
            }
            if let value = try section.strings("types", check: { $0.isEmpty ? "must not be empty" : nil }) {
                configuration.secrets.types = value
            }
        }
        if let section = try top.mapping("namespaces") {
            try section.requireKnownKeys(namespacesKeys)
            if let value = try section.bool("labelServingSystem") { configuration.namespaces.labelServingSystem = value }
            if let value = try section.bool("warnCostAppLabel") { configuration.namespaces.warnCostAppLabel = value }
        }
        if let section = try top.mapping("rules") {
            try section.requireKnownKeys(rulesKeys)
            if let value = try section.strings("disabled", check: ruleIDProblem) { configuration.rules.disabled = value }
            if let value = try section.strings("warnOnly", check: ruleIDProblem) { configuration.rules.warnOnly = value }
        }
        return configuration
    }

    private static func loadControlPlane(_ section: ConfigurationMapping, into controlPlane: inout ControlPlane) throws(ConfigurationError) {
        try section.requireKnownKeys(controlPlaneKeys)
        if let value = try section.bool("requireMTLS") { controlPlane.requireMTLS = value }
        if let node = section.node("minVersion") {
            let path = section.fullPath("minVersion")
            guard case .scalar = node, node.tag.description == Tag.Name.str.rawValue || node.tag.description == Tag.Name.float.rawValue else {
                throw .invalid(path, "expected a string, got \(ConfigurationMapping.describe(node))", at: node.mark)
            }
            let text = node.scalar?.string ?? ""
            if let problem = KubernetesNameSyntax.meshVersionProblem(text) { throw .invalid(path, problem, at: node.mark) }
            controlPlane.minVersion = text
        }
        if let value = try section.integers("metricsExcludedPorts", check: { (1...65535).contains($0) ? nil : "must be a port from 1 to 65535, got \($0)" }) {
            controlPlane.metricsExcludedPorts = value
        }
    }

    /// Reads `knativeService`; returns whether `passthrough` was set explicitly.
    private static func loadKnativeService(_ section: ConfigurationMapping, into service: inout KnativeService) throws(ConfigurationError) -> Bool {
        try section.requireKnownKeys(knativeServiceKeys)
        if let value = try section.choice("sidecarInjection", SidecarInjection.self) { service.sidecarInjection = value }
        if let value = try section.bool("rewriteAppHTTPProbers") { service.rewriteAppHTTPProbers = value }
        let passthrough = try section.bool("passthrough")
        if let passthrough { service.passthrough = passthrough }
        if let gpu = try section.mapping("gpu") {
            try gpu.requireKnownKeys(gpuKeys)
            if let value = try qualifiedName(gpu, "resource") { service.gpu.resource = value }
            if let value = try qualifiedName(gpu, "annotation") { service.gpu.annotation = value }
            if let node = gpu.node("maxPerService"), let value = try gpu.integer("maxPerService") {
                guard value >= 0 else { throw .invalid(gpu.fullPath("maxPerService"), "must be 0 (no limit) or more, got \(value)", at: node.mark) }
                service.gpu.maxPerService = value
            }
            if let value = try gpu.strings("unsupportedArchitectures", check: { $0.isEmpty ? "must not be empty" : nil }) {
                service.gpu.unsupportedArchitectures = value
            }
        }
        return passthrough != nil
    }

    // MARK: - Checked reads

    private static func namespaceName(_ section: ConfigurationMapping, _ key: String) throws(ConfigurationError) -> String? {
        try checked(section, key, KubernetesNameSyntax.dns1123LabelProblem)
    }

    private static func qualifiedName(_ section: ConfigurationMapping, _ key: String) throws(ConfigurationError) -> String? {
        try checked(section, key, KubernetesNameSyntax.qualifiedNameProblem)
    }

    private static func nonEmptyString(_ section: ConfigurationMapping, _ key: String) throws(ConfigurationError) -> String? {
        try checked(section, key) { $0.isEmpty ? "must not be empty" : nil }
    }

    private static func checked(_ section: ConfigurationMapping, _ key: String, _ check: (String) -> String?) throws(ConfigurationError) -> String? {
        guard let value = try section.string(key) else { return nil }
        if let problem = check(value) { throw .invalid(section.fullPath(key), problem, at: section.node(key)?.mark) }
        return value
    }

    /// `unknown rule ID "KSVC-GPUS" (did you mean KSVC-GPU?)`.
    private static func ruleIDProblem(_ id: String) -> String? {
        guard !RuleCatalog.contains(id) else { return nil }
        let hint = ConfigurationError.suggestion(for: id, among: RuleCatalog.allIDs).map { " (did you mean \($0)?)" } ?? ""
        return "unknown rule ID \"\(id)\"\(hint); see docs/configuration.md for the list"
    }
}

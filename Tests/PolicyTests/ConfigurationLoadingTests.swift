// PolicyConfiguration.load(yaml:): defaults, the sample file, every key set, and the kourier passthrough default.
import Foundation
import Testing
@testable import Policy

/// Loading tests (valid files). Owned by the test suite; any Swift Testing thread; reads
/// config/policy.yaml from the package root.
@Suite("ConfigurationLoading")
struct ConfigurationLoadingTests {
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/PolicyTests/<file>
        return parts.joined(separator: "/")
    }()

    @Test(arguments: ["", "\n\n", "# only a comment\n  # and another\n", "---\n", "~\n", "null"])
    func emptyFileOrOnlyCommentsGivesTheDefaults(_ yaml: String) throws {
        #expect(try PolicyConfiguration.load(yaml: yaml) == PolicyConfiguration())
    }

    @Test func defaultsAreThoseOfPolicyMD() {
        let c = PolicyConfiguration()
        #expect(c.integration == .meshIngress && c.enforcement == .deny)
        #expect(c.meshNamespace == "istio-system" && c.servingNamespace == "knative-serving")
        #expect(c.servingIngressNamespace == "knative-serving-ingress")
        #expect(c.memberRoll.requiredMembers == ["knative-serving"])
        #expect(c.controlPlane.requireMTLS && c.controlPlane.minVersion == "v2.0" && c.controlPlane.metricsExcludedPorts == [8444])
        #expect(c.gateways.selector == ["istio": "ingressgateway"] && c.gateways.credentialName == "wildcard-certs")
        #expect(c.knativeService.sidecarInjection == .annotation && c.knativeService.rewriteAppHTTPProbers && c.knativeService.passthrough)
        #expect(c.knativeService.gpu.resource == "nvidia.com/gpu" && c.knativeService.gpu.annotation == "serverless-mesh-webhook.io/gpu")
        #expect(c.knativeService.gpu.maxPerService == 0 && c.knativeService.gpu.unsupportedArchitectures == ["s390x", "ppc64le"])
        #expect(c.secrets.certificateUIDLabel == "networking.internal.knative.dev/certificate-uid")
        #expect(c.secrets.namespaces.isEmpty && c.secrets.types == ["kubernetes.io/tls"])
        #expect(!c.namespaces.labelServingSystem && c.namespaces.warnCostAppLabel)
        #expect(c.rules.disabled.isEmpty && c.rules.warnOnly.isEmpty)
    }

    @Test func theSampleFileEqualsTheDefaults() throws {
        let yaml = try String(contentsOfFile: Self.packageRoot + "/config/policy.yaml", encoding: .utf8)
        #expect(try PolicyConfiguration.load(yaml: yaml) == PolicyConfiguration())
    }

    /// The sample with `passthrough` uncommented also loads, to the same value.
    @Test func theSampleFileWithPassthroughUncommentedEqualsTheDefaults() throws {
        let yaml = try String(contentsOfFile: Self.packageRoot + "/config/policy.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  # passthrough: true", with: "  passthrough: true  ")
        #expect(yaml.contains("\n  passthrough: true"))
        #expect(try PolicyConfiguration.load(yaml: yaml) == PolicyConfiguration())
    }

    static let everyKeyChanged = """
    integration: kourier
    enforcement: warn
    meshNamespace: mesh
    servingNamespace: serving
    servingIngressNamespace: serving-ingress
    memberRoll:
      requiredMembers: [knative-serving, knative-eventing]
    controlPlane:
      requireMTLS: false
      minVersion: v2.2
      metricsExcludedPorts: [8444, 8022]
    gateways:
      selector: {knative: ingressgateway, app.kubernetes.io/part-of: mesh}
      credentialName: my-certs
    knativeService:
      sidecarInjection: label
      rewriteAppHTTPProbers: false
      passthrough: true
      gpu:
        resource: amd.com/gpu
        annotation: example.com/gpus
        maxPerService: 4
        unsupportedArchitectures: [s390x]
    secrets:
      certificateUIDLabel: example.com/uid
      namespaces: [knative-serving, apps]
      types: [kubernetes.io/tls, Opaque]
    namespaces:
      labelServingSystem: true
      warnCostAppLabel: false
    rules:
      disabled: [NS-COST-APP-LABEL, KSVC-GPU]
      warnOnly:
        - SMCP-VERSION
        - KSVC-PASSTHROUGH
    """

    @Test func everyKeySetToANonDefaultValue() throws {
        let c = try PolicyConfiguration.load(yaml: Self.everyKeyChanged)
        var expected = PolicyConfiguration()
        expected.integration = .kourier
        expected.enforcement = .warn
        expected.meshNamespace = "mesh"
        expected.servingNamespace = "serving"
        expected.servingIngressNamespace = "serving-ingress"
        expected.memberRoll.requiredMembers = ["knative-serving", "knative-eventing"]
        expected.controlPlane.requireMTLS = false
        expected.controlPlane.minVersion = "v2.2"
        expected.controlPlane.metricsExcludedPorts = [8444, 8022]
        expected.gateways.selector = ["knative": "ingressgateway", "app.kubernetes.io/part-of": "mesh"]
        expected.gateways.credentialName = "my-certs"
        expected.knativeService.sidecarInjection = .label
        expected.knativeService.rewriteAppHTTPProbers = false
        expected.knativeService.passthrough = true  // explicit, so kourier does not turn it off
        expected.knativeService.gpu.resource = "amd.com/gpu"
        expected.knativeService.gpu.annotation = "example.com/gpus"
        expected.knativeService.gpu.maxPerService = 4
        expected.knativeService.gpu.unsupportedArchitectures = ["s390x"]
        expected.secrets.certificateUIDLabel = "example.com/uid"
        expected.secrets.namespaces = ["knative-serving", "apps"]
        expected.secrets.types = ["kubernetes.io/tls", "Opaque"]
        expected.namespaces.labelServingSystem = true
        expected.namespaces.warnCostAppLabel = false
        expected.rules.disabled = ["NS-COST-APP-LABEL", "KSVC-GPU"]
        expected.rules.warnOnly = ["SMCP-VERSION", "KSVC-PASSTHROUGH"]
        #expect(c == expected)
    }

    @Test func kourierTurnsPassthroughOffUnlessSetExplicitly() throws {
        #expect(try PolicyConfiguration.load(yaml: "integration: kourier").knativeService.passthrough == false)
        #expect(try PolicyConfiguration.load(yaml: "integration: kourier\nknativeService: {sidecarInjection: label}").knativeService.passthrough == false)
        #expect(try PolicyConfiguration.load(yaml: "integration: kourier\nknativeService:\n  passthrough:\n").knativeService.passthrough == false)
        #expect(try PolicyConfiguration.load(yaml: "integration: kourier\nknativeService: {passthrough: true}").knativeService.passthrough)
        #expect(try PolicyConfiguration.load(yaml: "integration: mesh-ingress").knativeService.passthrough)
        #expect(try PolicyConfiguration.load(yaml: "knativeService: {passthrough: false}").knativeService.passthrough == false)
    }

    @Test func nullOrEmptySectionsKeepTheDefaults() throws {
        let yaml = "memberRoll:\ncontrolPlane: ~\ngateways: {}\nrules:\n  disabled:\n"
        #expect(try PolicyConfiguration.load(yaml: yaml) == PolicyConfiguration())
    }

    @Test func emptyListsAreKeptEmpty() throws {
        let c = try PolicyConfiguration.load(yaml: "memberRoll: {requiredMembers: []}\ncontrolPlane: {metricsExcludedPorts: []}")
        #expect(c.memberRoll.requiredMembers.isEmpty && c.controlPlane.metricsExcludedPorts.isEmpty)
    }

    @Test func booleanSpellingsAndAFloatLookingMinVersion() throws {
        let c = try PolicyConfiguration.load(yaml: "controlPlane: {requireMTLS: False}\nnamespaces: {labelServingSystem: TRUE}")
        #expect(!c.controlPlane.requireMTLS && c.namespaces.labelServingSystem)
        #expect(try PolicyConfiguration.load(yaml: "controlPlane: {minVersion: \"v2.6\"}").controlPlane.minVersion == "v2.6")
    }

    @Test func ruleCatalogListsEveryIDOfPolicyMDOnce() {
        #expect(RuleCatalog.allIDs.count == 27)
        #expect(Set(RuleCatalog.allIDs).count == RuleCatalog.allIDs.count)
        #expect(RuleCatalog.mutationIDs.count == 5 && RuleCatalog.validationIDs.count == 23)
        #expect(RuleCatalog.contains("KSVC-PASSTHROUGH") && !RuleCatalog.contains("ksvc-gpu"))
    }

    /// Every rule ID in policy.md's tables is in the catalog, and nothing else is.
    @Test func ruleCatalogMatchesPolicyMD() throws {
        let path = "/work/shared/spec/policy.md"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }  // spec not present outside this workspace
        var ids = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cell = line.dropFirst(2).prefix { $0 != " " && $0 != "|" }
            if cell.count > 3, cell.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "-" }), cell.contains("-") { ids.insert(String(cell)) }
        }
        #expect(ids == Set(RuleCatalog.allIDs))
    }
}

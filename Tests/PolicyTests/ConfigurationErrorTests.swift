// PolicyConfiguration.load(yaml:) rejections: unknown keys, wrong types, bad values, each naming its key and line.
import Testing
@testable import Policy

/// Error tests: each bad file gives one exact line. Owned by the test suite; any Swift Testing thread.
@Suite("ConfigurationErrors")
struct ConfigurationErrorTests {
    static func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try PolicyConfiguration.load(yaml: yaml)
            return nil
        } catch {
            return error
        }
    }

    static let cases: [(yaml: String, description: String)] = [
        // Unknown keys at several depths, with suggestions when one is close.
        ("integraton: kourier", "line 1: unknown key integraton (did you mean integration?)"),
        ("colour: blue", "line 1: unknown key colour"),
        ("controlPlane:\n  requireMtls: true", "line 2: unknown key controlPlane.requireMtls (did you mean requireMTLS?)"),
        ("knativeService:\n  gpu:\n    maxPerServce: 2", "line 3: unknown key knativeService.gpu.maxPerServce (did you mean maxPerService?)"),
        ("rules:\n  warnonly: []\n", "line 2: unknown key rules.warnonly (did you mean warnOnly?)"),
        ("secrets: {namespace: [a]}", "line 1: unknown key secrets.namespace (did you mean namespaces?)"),
        // Wrong types at several paths.
        ("knativeService:\n  gpu:\n    maxPerService: many", #"line 3: knativeService.gpu.maxPerService: expected an integer, got "many""#),
        ("knativeService: {gpu: {maxPerService: 1.5}}", "line 1: knativeService.gpu.maxPerService: expected an integer, got 1.5"),
        ("knativeService: {gpu: {maxPerService: \"3\"}}", #"line 1: knativeService.gpu.maxPerService: expected an integer, got "3""#),
        ("controlPlane:\n  requireMTLS: yes", "line 2: controlPlane.requireMTLS: expected true or false, got yes"),
        ("controlPlane:\n  requireMTLS: \"true\"", #"line 2: controlPlane.requireMTLS: expected true or false, got "true""#),
        ("controlPlane: {metricsExcludedPorts: 8444}", "line 1: controlPlane.metricsExcludedPorts: expected a list, got 8444"),
        ("controlPlane: {metricsExcludedPorts: [8444, http]}", #"line 1: controlPlane.metricsExcludedPorts[1]: expected an integer, got "http""#),
        ("memberRoll: [knative-serving]", "line 1: memberRoll: expected a mapping, got a list"),
        ("memberRoll: {requiredMembers: [{name: x}]}", "line 1: memberRoll.requiredMembers[0]: expected a string, got a mapping"),
        ("meshNamespace: 42", "line 1: meshNamespace: expected a string, got 42"),
        ("gateways:\n  selector:\n    istio: [a]", "line 3: gateways.selector.istio: expected a string, got a list"),
        ("gateways: {selector: ingressgateway}", #"line 1: gateways.selector: expected a mapping, got "ingressgateway""#),
        ("rules: {disabled: KSVC-GPU}", #"line 1: rules.disabled: expected a list, got "KSVC-GPU""#),
        ("- integration: kourier", "line 1: the configuration must be a mapping of keys, got a list"),
        ("just text", #"line 1: the configuration must be a mapping of keys, got "just text""#),
        // Bad enumeration values.
        ("integration: istio", #"line 1: integration: must be mesh-ingress or kourier, got "istio""#),
        ("enforcement: audit", #"line 1: enforcement: must be deny or warn, got "audit""#),
        ("enforcement: true", "line 1: enforcement: must be deny or warn, got true"),
        ("knativeService: {sidecarInjection: pod}", #"line 1: knativeService.sidecarInjection: must be annotation, label or off, got "pod""#),
        // Bad values.
        ("controlPlane:\n  metricsExcludedPorts: [8444, 0]", "line 2: controlPlane.metricsExcludedPorts[1]: must be a port from 1 to 65535, got 0"),
        ("controlPlane:\n  metricsExcludedPorts: [65536]", "line 2: controlPlane.metricsExcludedPorts[0]: must be a port from 1 to 65535, got 65536"),
        ("controlPlane: {metricsExcludedPorts: [-1]}", "line 1: controlPlane.metricsExcludedPorts[0]: must be a port from 1 to 65535, got -1"),
        ("knativeService: {gpu: {maxPerService: -1}}", "line 1: knativeService.gpu.maxPerService: must be 0 (no limit) or more, got -1"),
        ("controlPlane: {minVersion: 2.0}", #"line 1: controlPlane.minVersion: must be a version like v2.0 (v<major>.<minor>), got "2.0""#),
        ("controlPlane: {minVersion: v2}", #"line 1: controlPlane.minVersion: must be a version like v2.0 (v<major>.<minor>), got "v2""#),
        ("controlPlane: {minVersion: v2.0.5}", #"line 1: controlPlane.minVersion: must be a version like v2.0 (v<major>.<minor>), got "v2.0.5""#),
        ("meshNamespace: Istio_System", #"line 1: meshNamespace: must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric), got "Istio_System""#),
        ("servingNamespace: \"\"", #"line 1: servingNamespace: must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric), got """#),
        ("memberRoll:\n  requiredMembers:\n    - knative-serving\n    - -bad", #"line 4: memberRoll.requiredMembers[1]: must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric), got "-bad""#),
        ("secrets: {namespaces: [\"*\"]}", #"line 1: secrets.namespaces[0]: must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric), got "*""#),
        ("secrets: {certificateUIDLabel: \"a/b/c\"}", #"line 1: secrets.certificateUIDLabel: must be a qualified name ([prefix/]name, e.g. example.com/my-key), got "a/b/c""#),
        ("knativeService: {gpu: {resource: \"\"}}", #"line 1: knativeService.gpu.resource: must be a qualified name ([prefix/]name, e.g. example.com/my-key), got """#),
        ("gateways: {credentialName: \"\"}", "line 1: gateways.credentialName: must not be empty"),
        ("rules:\n  disabled: [KSVC-GPUS]", #"line 2: rules.disabled[0]: unknown rule ID "KSVC-GPUS" (did you mean KSVC-GPU?); see docs/configuration.md for the list"#),
        ("rules:\n  warnOnly: [KSVC-GPU, NOPE]", #"line 2: rules.warnOnly[1]: unknown rule ID "NOPE"; see docs/configuration.md for the list"#),
        ("rules: {warnOnly: [null]}", "line 1: rules.warnOnly[0]: must not be null"),
        // Not YAML, duplicates.
        ("integration: kourier\nintegration: mesh-ingress", "line 1: duplicate key integration in one mapping"),
    ]

    @Test(arguments: cases.indices)
    func badFileGivesOneLineNamingTheKey(_ index: Int) throws {
        let (yaml, expected) = Self.cases[index]
        let error = try #require(Self.error(yaml), "accepted: \(yaml)")
        #expect(error.description == expected)
        #expect(!error.description.contains("\n"))
    }

    @Test func errorCarriesKeyPathAndLineSeparately() throws {
        let error = try #require(Self.error("knativeService:\n  gpu:\n    maxPerService: many"))
        #expect(error.key == "knativeService.gpu.maxPerService")
        #expect(error.line == 3)
        #expect(error.message == #"knativeService.gpu.maxPerService: expected an integer, got "many""#)
    }

    @Test(arguments: ["integration: [unclosed", "a: b\n  c: d", "key: \"unterminated", "\t- tab", "a: &x 1\nb: *y"])
    func invalidYAMLIsOneLine(_ yaml: String) throws {
        let error = try #require(Self.error(yaml))
        #expect(error.message.hasPrefix("not valid YAML: "), "\(error)")
        #expect(!error.description.contains("\n"))
        #expect(error.line != nil)
    }

    /// libyaml stops at 1000 levels, so Yams' recursive composer cannot exhaust the stack.
    @Test func deepNestingIsRejectedNotACrash() throws {
        let error = try #require(Self.error("rules: {disabled: " + String(repeating: "[", count: 20_000) + "}"))
        #expect(error.message.hasPrefix("not valid YAML: "))
    }

    @Test func multipleDocumentsAreRejected() throws {
        let error = try #require(Self.error("integration: kourier\n---\nenforcement: warn\n"))
        #expect(error.message.hasPrefix("not valid YAML: "))
    }

    @Test func longAndMultiLineValuesAreQuotedOnOneLineAndTruncated() throws {
        let error = try #require(Self.error("integration: \"\(String(repeating: "x", count: 300))\\nmore\""))
        #expect(!error.description.contains("\n"))
        #expect(error.description.count < 140)
    }
}

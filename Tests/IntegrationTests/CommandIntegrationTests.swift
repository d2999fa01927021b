// The offline commands (replay, check) and serve's --config, --record-dir and configuration reload, run as users run them.
import Foundation
import Testing

@Suite("replay, check and the policy configuration of the running binary")
struct CommandIntegrationTests {
    static let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/PolicyTests/Fixtures/reviews").path

    func binary(_ arguments: [String], stdin: Data? = nil) throws -> CommandResult {
        try run(TestPaths.binary, arguments, stdin: stdin, timeout: 60)
    }

    @Test func replayPassesOnTheRecordedFixtures() throws {
        let result = try binary(["replay", "--quiet", Self.fixtures])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok: "))
    }

    @Test func replayExitsOneWhenAGoldenResponseDiffersAndUpdateRewritesIt() throws {
        let dir = try TestPaths.temporaryDirectory("smw-replay").appendingPathComponent("validate")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let source = "\(Self.fixtures)/default/validate/ksvc-create-sidecar-false"
        try FileManager.default.copyItem(atPath: source + ".request.json", toPath: dir.appendingPathComponent("case.request.json").path)
        // A golden that says "allowed" for a review the policy denies.
        let allowed = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"x","allowed":true}}"#
        try allowed.write(to: dir.appendingPathComponent("case.response.json"), atomically: true, encoding: .utf8)
        let differs = try binary(["replay", dir.path])
        #expect(differs.status == 1)
        #expect(differs.stdout.contains("allowed: expected true, got false"), "\(differs.stdout)")
        #expect(try binary(["replay", "--update", dir.path]).status == 0)
        #expect(try binary(["replay", dir.path]).status == 0)
        let rewritten = try String(contentsOf: dir.appendingPathComponent("case.response.json"), encoding: .utf8)
        #expect(rewritten.contains("\"allowed\": false"))
    }

    @Test func replayNeedsToKnowTheWebhookAndRejectsMissingFiles() throws {
        let dir = try TestPaths.temporaryDirectory("smw-replay-nowebhook")
        try FileManager.default.copyItem(atPath: "\(Self.fixtures)/default/validate/ksvc-create-sidecar-false.request.json", toPath: dir.appendingPathComponent("a.request.json").path)
        let unknown = try binary(["replay", dir.path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--webhook"))
        #expect(try binary(["replay", "--webhook", "validate", dir.path]).status == 0)
        #expect(try binary(["replay", "/nonexistent/path"]).status == 2)
    }

    @Test func replayAgainstARunningServerAgreesWithTheInProcessPolicy() throws {
        let server = try TestServer()
        let result = try binary(["replay", "--quiet", "--target", "https://localhost:\(server.port)", "--ca-cert", server.certificates.caPath,
                                 "\(Self.fixtures)/default"])
        #expect(result.status == 0, "\(result.stdout.suffix(2000))\(result.stderr)")
        #expect(result.stdout.contains("sent to https://localhost:\(server.port)"))
        // A server with another policy disagrees, and replay says so.
        let dir = try TestPaths.temporaryDirectory("smw-warn")
        try "enforcement: warn\n".write(to: dir.appendingPathComponent("warn.yaml"), atomically: true, encoding: .utf8)
        let lenient = try TestServer(extraArguments: ["--config", dir.appendingPathComponent("warn.yaml").path])
        let mismatch = try binary(["replay", "--quiet", "--target", "https://localhost:\(lenient.port)", "--ca-cert", lenient.certificates.caPath,
                                   "\(Self.fixtures)/default/validate/ksvc-create-sidecar-false.request.json"])
        #expect(mismatch.status == 1)
        #expect(mismatch.stdout.contains("--target: allowed: expected false, got true"), "\(mismatch.stdout)")
    }

    @Test func checkReportsPatchesWarningsAndDenialsWithExitCodes() throws {
        let dir = try TestPaths.temporaryDirectory("smw-check")
        let good = """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
                - image: quay.io/demo/hello
                  resources:
                    limits:
                      nvidia.com/gpu: 1
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                app: shop
        """
        try good.write(to: dir.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
        let ok = try binary(["check", dir.appendingPathComponent("good.yaml").path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("serving.knative.dev/v1 Service default/hello"))
        #expect(ok.stdout.contains("patch: [KSVC-SIDECAR]"))
        #expect(ok.stdout.contains("warning: [NS-COST-APP-LABEL]"))
        #expect(ok.stdout.contains("2 objects: 0 denied"))

        let bad = """
        {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshMemberRoll",
         "metadata": {"name": "default", "namespace": "istio-system"}, "spec": {"members": ["shop"]}}
        """
        try bad.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let denied = try binary(["check", dir.appendingPathComponent("bad.json").path])
        #expect(denied.status == 1)
        #expect(denied.stdout.contains("denied: [SMMR-REQUIRED-MEMBERS]"))

        let kourier = dir.appendingPathComponent("kourier.yaml")
        try "integration: kourier\n".write(to: kourier, atomically: true, encoding: .utf8)
        #expect(try binary(["check", "--config", kourier.path, dir.appendingPathComponent("bad.json").path]).status == 0)

        try "kind: [unclosed".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let broken = try binary(["check", dir.appendingPathComponent("broken.yaml").path])
        #expect(broken.status == 2)
        #expect(broken.stderr.split(separator: "\n").count == 1)
        #expect(try binary(["check", dir.appendingPathComponent("missing.yaml").path]).status == 2)
    }

    @Test func aBadConfigurationStopsStartupWithOneLineNamingTheKey() throws {
        let dir = try TestPaths.temporaryDirectory("smw-badconfig")
        let certs = try CertificateSet.make(in: dir.appendingPathComponent("certs"))
        let config = dir.appendingPathComponent("policy.yaml")
        try "knativeService:\n  gpu:\n    maxPerService: many\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try binary(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--tls-cert", certs.certPath, "--tls-key", certs.keyPath, "--config", config.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("knativeService.gpu.maxPerService"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func configurationReloadAppliesAGoodFileAndKeepsTheOldOnABadOne() throws {
        let dir = try TestPaths.temporaryDirectory("smw-reload-config")
        let config = dir.appendingPathComponent("policy.yaml")
        try "enforcement: deny\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try TestServer(extraArguments: ["--config", config.path])
        let review = try String(contentsOfFile: "\(Self.fixtures)/default/validate/ksvc-create-sidecar-false.request.json", encoding: .utf8)
        func allowed() throws -> Bool {
            try server.curl(["-H", "Content-Type: application/json", "--data-binary", review, "\(server.baseURL)/validate"]).stdout.contains("\"allowed\":true")
        }
        #expect(try !allowed())
        try "enforcement: warn\n".write(to: config, atomically: true, encoding: .utf8)
        var switched = false
        for _ in 0..<60 where !switched { usleep(100_000); switched = try allowed() }
        #expect(switched, "the new configuration is used within a few seconds")
        try "enforcement: sometimes\n".write(to: config, atomically: true, encoding: .utf8)
        var failureCounted = false
        for _ in 0..<60 where !failureCounted {
            usleep(100_000)
            failureCounted = try run("/usr/bin/curl", ["-sS", "\(server.metricsURL)/metrics"]).stdout.contains("config_reloads_total{result=\"failure\"} 1")
        }
        #expect(failureCounted)
        #expect(try allowed(), "the previous (warn) configuration stays")
        #expect(server.logLines().contains { $0.contains("configuration reload failed") && $0.contains("enforcement") })
    }

    @Test func recordDirWritesReplayableFixturesWithSecretsRedacted() throws {
        let dir = try TestPaths.temporaryDirectory("smw-record")
        let server = try TestServer(extraArguments: ["--record-dir", dir.path])
        // The recorded fixture is itself redacted: give its Secret real-looking values again.
        let secret = try String(contentsOfFile: "\(Self.fixtures)/default/mutate/secret-create-tls-no-labels.request.json", encoding: .utf8)
            .replacingOccurrences(of: "\"<redacted>\"", with: "\"UHJpdmF0ZUtleUJ5dGVzU2VjcmV0\"")
        #expect(secret.contains("UHJpdmF0ZUtleUJ5dGVzU2VjcmV0"))
        let answer = try server.curl(["-H", "Content-Type: application/json", "--data-binary", secret, "\(server.baseURL)/mutate"])
        #expect(answer.stdout.contains("\"patchType\":\"JSONPatch\""))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files.count == 2)
        #expect(files.contains { $0.hasSuffix(".request.json") } && files.contains { $0.hasSuffix(".response.json") })
        let recorded = try String(contentsOfFile: dir.appendingPathComponent(files.first { $0.hasSuffix(".request.json") } ?? "").path, encoding: .utf8)
        #expect(recorded.contains("<redacted>"))
        // No value of the Secret's data survives.
        let original = try JSONSerialization.jsonObject(with: Data(secret.utf8)) as? [String: Any]
        let data = ((original?["request"] as? [String: Any])?["object"] as? [String: Any])?["data"] as? [String: String] ?? [:]
        #expect(!data.isEmpty)
        for value in data.values { #expect(!recorded.contains(value)) }
        // The recording replays as a mutate fixture against its recorded answer.
        let replayDir = dir.appendingPathComponent("mutate")
        try FileManager.default.createDirectory(at: replayDir, withIntermediateDirectories: true)
        for file in files { try FileManager.default.moveItem(at: dir.appendingPathComponent(file), to: replayDir.appendingPathComponent(file)) }
        let replayed = try binary(["replay", replayDir.path])
        #expect(replayed.status == 0, "\(replayed.stdout)")
        #expect(replayed.stdout.contains("1 compared with golden"))
    }
}

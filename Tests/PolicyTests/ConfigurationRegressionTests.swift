// Replays the configuration files the config fuzzer found (Fixtures/config/regressions) and pins each fix.
import Foundation
import Testing
@testable import Policy

/// Every file in Fixtures/config/regressions/ is loaded as the server loads `--config`:
/// accept-… must load and build a policy, reject-… must throw a `ConfigurationError` whose
/// description is one line (startup prints exactly one line on stderr). Owned by the test
/// suite; any Swift Testing thread; reads fixture files.
@Suite("ConfigurationRegressions")
struct ConfigurationRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/config/regressions").path

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func isOneLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }

    @Test func everyRegressionInputIsNamedForItsOutcome() {
        #expect(!Self.files.isEmpty)
        for file in Self.files {
            #expect(file.hasPrefix("accept-") || file.hasPrefix("reject-"), "\(file)")
        }
    }

    @Test(arguments: files)
    func regressionInputBehaves(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + file)))
        let result = Result { () throws(ConfigurationError) in try PolicyConfiguration.load(yaml: String(decoding: bytes, as: UTF8.self)) }
        switch result {
        case .success(let configuration):
            #expect(file.hasPrefix("accept-"), "\(file) loaded")
            _ = Policy(configuration: configuration)
        case .failure(let error):
            #expect(file.hasPrefix("reject-"), "\(file): \(error)")
            #expect(!error.description.isEmpty)
            #expect(Self.isOneLine(error.description), "\(error.description.debugDescription)")
        }
    }

    @Test func ruleIDWithLineBreaksIsReportedOnOneLine() throws {
        let yaml = "rules:\n  disabled: [\"KSVC-\\nGPU\\u0085X\"]\n"
        #expect(throws: ConfigurationError.self) { try PolicyConfiguration.load(yaml: yaml) }
        do {
            _ = try PolicyConfiguration.load(yaml: yaml)
        } catch {
            #expect(error.description == #"line 2: rules.disabled[0]: unknown rule ID "KSVC-\nGPU\u{85}X"; see docs/configuration.md for the list"#)
        }
    }

    @Test func unknownKeyWithLineBreakIsReportedOnOneLine() {
        do {
            _ = try PolicyConfiguration.load(yaml: "\"inte\\ngration\": kourier\n")
            Issue.record("loaded")
        } catch {
            #expect(error.description == #"line 1: unknown key inte\ngration (did you mean integration?)"#)
        }
    }
}

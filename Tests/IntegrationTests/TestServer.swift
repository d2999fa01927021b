// Starts the real `serverless-mesh-webhook serve` on loopback with certificates made for the test.
import Foundation
import Testing

/// Paths of the package and the built executable.
enum TestPaths {
    /// The package root (two levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built beside the test bundle.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SMW_BINARY"] { return path }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("serverless-mesh-webhook").path
    }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A CA plus serving certificate for localhost made by certs/generate.sh.
struct CertificateSet {
    let directory: URL
    var caPath: String { directory.appendingPathComponent("ca.crt").path }
    var caKeyPath: String { directory.appendingPathComponent("ca.key").path }
    var certPath: String { directory.appendingPathComponent("tls.crt").path }
    var keyPath: String { directory.appendingPathComponent("tls.key").path }
    var clientCertPath: String { directory.appendingPathComponent("client.crt").path }
    var clientKeyPath: String { directory.appendingPathComponent("client.key").path }

    static func make(in directory: URL, rsa: Bool = false) throws -> CertificateSet {
        var args = ["--out", directory.path, "--force", "--extra-san", "DNS:localhost", "--extra-san", "IP:127.0.0.1", "--extra-san", "IP:::1", "--client", "test-client"]
        if rsa { args.append("--rsa") }
        let result = try run(TestPaths.packageRoot.appendingPathComponent("certs/generate.sh").path, args)
        guard result.status == 0 else { throw TestFailure("generate.sh failed: \(result.stderr)") }
        return CertificateSet(directory: directory)
    }

    /// The serial number of the certificate file, as `openssl x509 -serial` prints it.
    func serial() throws -> String {
        try run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", certPath]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One running server process. Stopped (SIGKILL) when released if still running.
final class TestServer: @unchecked Sendable {
    let certificates: CertificateSet
    let process = Process()
    let logURL: URL
    let errURL: URL
    private(set) var port = 0
    private(set) var metricsPort = 0

    /// Starts `serve` on 127.0.0.1:0 with `extraArguments`; waits for its "listening" log line.
    init(certificates: CertificateSet? = nil, listen: String = "127.0.0.1:0", extraArguments: [String] = []) throws {
        let dir = try TestPaths.temporaryDirectory("smw-server")
        self.certificates = try certificates ?? CertificateSet.make(in: dir.appendingPathComponent("certs"))
        logURL = dir.appendingPathComponent("stdout.log")
        errURL = dir.appendingPathComponent("stderr.log")
        try Data().write(to: logURL)
        try Data().write(to: errURL)
        process.executableURL = URL(fileURLWithPath: TestPaths.binary)
        process.arguments = ["serve", "--listen", listen, "--metrics-listen", "127.0.0.1:0",
                             "--tls-cert", self.certificates.certPath, "--tls-key", self.certificates.keyPath,
                             "--threads", "2", "--shutdown-delay", "0", "--shutdown-timeout", "5"] + extraArguments
        process.standardOutput = try FileHandle(forWritingTo: logURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let line = logLines().first(where: { $0.contains("\"message\":\"listening\"") }) {
                port = Self.number(after: "\"tls_ports\":\"[", in: line) ?? 0
                metricsPort = Self.number(after: "\"metrics_port\":\"", in: line) ?? 0
                return
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        if process.isRunning { process.terminate() }
        throw TestFailure("server did not start: \(err)")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var baseURL: String { "https://127.0.0.1:\(port)" }
    var metricsURL: String { "http://127.0.0.1:\(metricsPort)" }

    func logLines() -> [String] {
        ((try? String(contentsOf: logURL, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Sends `signal` and waits up to `timeout` seconds; returns the exit status, nil if still running.
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// curl against this server with the test CA over HTTP/1.1 (what kube-apiserver speaks),
    /// or over HTTP/2 negotiated by ALPN when `http2` is true.
    func curl(_ arguments: [String], http2: Bool = false, caPath: String? = nil, timeout: TimeInterval = 20) throws -> CommandResult {
        try run("/usr/bin/curl", ["-sS", "--max-time", "\(Int(timeout))", "--cacert", caPath ?? certificates.caPath, http2 ? "--http2" : "--http1.1"] + arguments)
    }

    private static func number(after marker: String, in line: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
}

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a program to completion with an optional stdin, capturing output (through files, so
/// a chatty program never blocks on a full pipe). Killed after `timeout` seconds.
@discardableResult
func run(_ path: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 60) throws -> CommandResult {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smw-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err"), inURL = dir.appendingPathComponent("in")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    try (stdin ?? Data()).write(to: inURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = try FileHandle(forReadingFrom: inURL)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// A minimal admission.k8s.io/v1 review of a Knative Service CREATE, as kube-apiserver sends
/// one, for tests that need the webhook to answer 200 (the policy's own tests use recorded
/// fixtures).
enum SampleReview {
    static func knativeService(uid: String = "7f0e2f3a-1111-4c4c-9d9d-000000000001", annotations: String = "{}") -> String {
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\(uid)",\
        "kind":{"group":"serving.knative.dev","version":"v1","kind":"Service"},\
        "resource":{"group":"serving.knative.dev","version":"v1","resource":"services"},\
        "name":"hello","namespace":"demo","operation":"CREATE","userInfo":{"username":"alice"},\
        "object":{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"hello","namespace":"demo"},\
        "spec":{"template":{"metadata":{"annotations":\(annotations)},"spec":{"containers":[{"image":"quay.io/demo/hello"}]}}}},\
        "oldObject":null,"dryRun":false,"options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}
        """
    }
}

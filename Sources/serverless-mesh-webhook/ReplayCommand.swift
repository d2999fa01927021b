// `serverless-mesh-webhook replay`: recorded AdmissionReviews through the policy, against goldens, a server, or a clock.
import Admission
import ArgumentParser
import HTTPServer
import Policy
#if canImport(Glibc)
import Glibc
#endif

/// Replays `*.request.json` files: prints each answer with its patch decoded, compares with
/// `<case>.response.json` beside it (exit 1 on a difference; `--update` rewrites them),
/// checks every mutation is idempotent, and optionally sends the same reviews to a running
/// server (`--target`) or times the in-process pipeline (`--bench N`).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run recorded AdmissionReview requests through the policy.",
        discussion: """
        PATH is a <case>.request.json file or a directory searched for them. The webhook (mutate or
        validate) is taken from a parent directory named mutate/ or validate/, or from --webhook.
        Without --config, a config.yaml in the file's directory or a parent directory (up to the
        PATH given) is used, else the documented defaults.
        Exit status: 0 all good, 1 a golden difference, a non-idempotent mutation or a --target
        mismatch, 2 unreadable input.
        """
    )

    @Option(help: "Policy configuration (YAML). Default: the documented defaults.")
    var config: String?
    @Option(help: "mutate or validate, for files outside a mutate/ or validate/ directory.")
    var webhook: String?
    @Flag(help: "Rewrite <case>.response.json with the current answers.")
    var update = false
    @Option(help: "Also send each review to a running server, e.g. https://localhost:8443.")
    var target: String?
    @Option(name: .customLong("ca-cert"), help: "CA bundle to verify --target's certificate.")
    var caCert: String?
    @Option(help: "Time the in-process pipeline: N reviews per file; prints reviews/s and p50/p99.")
    var bench: Int?
    @Flag(name: .customLong("expect-unchanged"), help: "Fail any mutation that still patches (for objects that are already mutated).")
    var expectUnchanged = false
    @Flag(name: .shortAndLong, help: "Print only failures and the summary.")
    var quiet = false
    @Argument(help: "Request files or directories.")
    var paths: [String]

    func validate() throws {
        if let webhook, WebhookPath(rawValue: webhook) == nil { throw ValidationError("--webhook must be mutate or validate") }
        if let bench, bench < 1 { throw ValidationError("--bench must be at least 1") }
        if paths.isEmpty { throw ValidationError("give at least one request file or directory") }
    }

    func run() throws {
        let explicit = try config.map { path throws(StartupError) in try ConfigurationFile(path: path).current() }
        var files: [(file: String, root: String)] = []
        for path in paths {
            if FileSystem.isDirectory(path) {
                files += FileSystem.files(in: path, endingWith: ".request.json").map { ($0, path) }
            } else if FileSystem.exists(path) {
                files.append((path, path))
            } else {
                throw StartupError("no such file or directory: \(path)")
            }
        }
        var pipelines: [String: AdmissionPipeline] = [:]
        func pipeline(for file: String, root: String) throws(StartupError) -> AdmissionPipeline {
            if let explicit { return AdmissionPipeline(policy: Policy(configuration: explicit)) }
            let configPath = Self.nearestConfig(for: file, root: root)
            if let cached = pipelines[configPath ?? ""] { return cached }
            let configuration = try configPath.map { path throws(StartupError) in try ConfigurationFile(path: path).current() } ?? PolicyConfiguration()
            let made = AdmissionPipeline(policy: Policy(configuration: configuration))
            pipelines[configPath ?? ""] = made
            return made
        }
        guard !files.isEmpty else { throw StartupError("no *.request.json files under \(paths.joined(separator: ", "))") }
        let client = try target.map { url throws(StartupError) in try Self.client(for: url, caFile: caCert) }

        var failures = 0, goldens = 0, written = 0
        for (file, root) in files {
            let pipeline = try pipeline(for: file, root: root)
            guard let path = webhook.flatMap(WebhookPath.init(rawValue:)) ?? Self.inferWebhook(file) else {
                throw StartupError("\(file): cannot tell the webhook; put it under mutate/ or validate/ or pass --webhook")
            }
            guard let request = FileSystem.read(file) else { throw StartupError("cannot read \(file): \(FileSystem.lastError())") }
            let goldenPath = String(file.dropLast(".request.json".count)) + ".response.json"
            let golden = update ? nil : FileSystem.read(goldenPath)
            let outcome: ReplayOutcome
            do {
                outcome = try ReplayCase.evaluate(request: request, golden: golden, path: path, pipeline: pipeline)
            } catch {
                print("✗ \(file): not an AdmissionReview: \(error.description)")
                failures += 1
                continue
            }
            var problems: [String] = []
            if let difference = outcome.goldenDifference { problems.append("differs from \(goldenPath):\n" + difference) }
            if let idempotency = outcome.idempotencyFailure { problems.append("not idempotent: " + idempotency) }
            if expectUnchanged, path == .mutate, let patch = outcome.result.decision.response.patch, !patch.isEmpty {
                problems.append("--expect-unchanged: the mutation patched \(String(decoding: patch.encoded(), as: UTF8.self))")
            }
            if let client, let mismatch = Self.check(outcome.result, path: path, request: request, client: client) {
                problems.append("--target: " + mismatch)
            }
            if golden != nil { goldens += 1 }
            if update {
                let json = (try? JSONParser.parse(outcome.result.body)) ?? .null
                try FileSystem.write(Array(PrettyJSON.format(json).utf8), to: goldenPath)
                written += 1
            }
            if !problems.isEmpty { failures += 1 }
            if !quiet || !problems.isEmpty { print(Self.describe(file: file, path: path, result: outcome.result, problems: problems)) }
            if let bench { Self.bench(file: file, request: request, path: path, pipeline: pipeline, count: bench) }
        }
        var summary = "\(files.count) reviews, \(goldens) compared with golden responses"
        if update { summary += ", \(written) golden responses written" }
        if target != nil { summary += ", sent to \(target ?? "")" }
        print(failures == 0 ? "ok: \(summary)" : "FAILED: \(failures) of \(summary)")
        if failures > 0 { throw ExitCode(1) }
    }

    /// `config.yaml` in the file's directory or an ancestor, not above `root`.
    static func nearestConfig(for file: String, root: String) -> String? {
        var directory = Substring(file)
        let parent = file.lastIndex(of: "/").map { file[..<$0] } ?? ""
        let stop = FileSystem.isDirectory(root) ? Substring(root.hasSuffix("/") ? String(root.dropLast()) : root) : parent
        while let slash = directory.lastIndex(of: "/") {
            directory = directory[..<slash]
            let candidate = directory + "/config.yaml"
            if FileSystem.exists(String(candidate)) { return String(candidate) }
            if directory == stop || directory.isEmpty { break }
        }
        return nil
    }

    static func inferWebhook(_ file: String) -> WebhookPath? {
        let components = file.split(separator: "/").dropLast()
        for component in components.reversed() {
            if let path = WebhookPath(rawValue: String(component)) { return path }
        }
        return nil
    }

    static func describe(file: String, path: WebhookPath, result: AdmissionResult, problems: [String]) -> String {
        let request = result.review.request
        let response = result.decision.response
        var lines = ["\(problems.isEmpty ? "✓" : "✗") \(file)"]
        let where_ = [request.namespace, request.name].compactMap { $0 }.joined(separator: "/")
        lines.append("  \(path.rawValue) \(request.kind.description) \(where_) \(request.operation.rawValue)\(request.dryRun ? " (dry run)" : "") [\(result.review.apiVersion)] → \(result.decision.outcome)")
        if let status = response.status { lines.append("  \(status.code) \(status.reason): " + status.message.replacingNewlines("\n  ")) }
        for warning in response.warnings { lines.append("  warning: \(warning)") }
        if let patch = response.patch {
            for operation in patch.operations {
                let value = operation.jsonValue["value"].map { " " + String(decoding: $0.serialized(), as: UTF8.self) } ?? ""
                lines.append("  patch: \(operation.op) \(operation.path)\(value)")
            }
        }
        for problem in problems { lines.append("  " + problem.replacingNewlines("\n    ")) }
        return lines.joined(separator: "\n")
    }

    // MARK: - --target

    static func client(for url: String, caFile: String?) throws(StartupError) -> HTTPSClient {
        guard url.hasPrefix("https://") else { throw StartupError("--target must be an https:// URL") }
        var rest = url.dropFirst("https://".count)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = String(rest), port = 443
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            if let p = Int(rest[rest.index(after: close)...].dropFirst()) { port = p }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]) else { throw StartupError("bad port in --target \(url)") }
            port = p
        }
        do {
            return try HTTPSClient(host: host, port: port, caFile: caFile)
        } catch {
            throw StartupError(error.description)
        }
    }

    /// Sends the review as kube-apiserver would and checks the answer as it would: HTTP 200,
    /// JSON, same apiVersion and kind, uid echoed, a decodable patch with patchType — and then
    /// that it says what the in-process policy says.
    static func check(_ expected: AdmissionResult, path: WebhookPath, request: [UInt8], client: HTTPSClient) -> String? {
        let response: HTTPSClient.Response
        do {
            response = try client.post(path: "/\(path.rawValue)?timeout=10s", body: request)
        } catch {
            return error.description
        }
        guard response.status == 200 else { return "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))" }
        guard let contentType = response.headers[first: "content-type"], contentType.hasPrefix("application/json") else {
            return "content-type is \(response.headers[first: "content-type"] ?? "missing")"
        }
        guard let json = try? JSONParser.parse(response.body) else { return "the body is not JSON" }
        if json["kind"]?.stringValue != "AdmissionReview" { return "kind is not AdmissionReview" }
        if let patch = json["response", "patch"], json["response", "patchType"]?.stringValue != "JSONPatch" || patch.stringValue == nil {
            return "a patch without patchType JSONPatch"
        }
        return ReplayCase.compare(expected: expected.body, actual: response.body)
    }

    // MARK: - --bench

    static func bench(file: String, request: [UInt8], path: WebhookPath, pipeline: AdmissionPipeline, count: Int) {
        var samples: [Int64] = []
        samples.reserveCapacity(count)
        var sink = 0
        let warmup = min(count, 1000)
        for _ in 0..<warmup { sink &+= (try? pipeline.handle(request, path: path))?.body.count ?? 0 }
        let start = monotonicNanoseconds()
        for _ in 0..<count {
            let t0 = monotonicNanoseconds()
            sink &+= (try? pipeline.handle(request, path: path))?.body.count ?? 0
            samples.append(monotonicNanoseconds() &- t0)
        }
        let total = monotonicNanoseconds() &- start
        samples.sort()
        func percentile(_ p: Double) -> Double { Double(samples[min(samples.count - 1, Int(Double(samples.count) * p))]) / 1000 }
        let rate = Double(count) / (Double(total) / 1e9)
        print("  bench: \(count) reviews of \(request.count) bytes on one thread: \(Int(rate)) reviews/s, p50 \(format(percentile(0.5))) µs, p99 \(format(percentile(0.99))) µs\(sink == 0 ? " (no output?)" : "")")
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 10).rounded() / 10
        return String(scaled)
    }
}

extension String {
    func replacingNewlines(_ with: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: with)
    }
}

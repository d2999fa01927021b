// `serverless-mesh-webhook serve`: flags of server.md, startup checks, then the server until a signal.
import ArgumentParser
import HTTPServer
import Logging
import Metrics
import Policy
#if canImport(Glibc)
import Glibc
#endif

/// Parses the serve flags, loads and checks the certificate (exit 2 on any problem), wires
/// the routes, logging and metrics, and runs the server on the main thread until SIGTERM.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the webhook server.")

    @Option(name: .customLong("listen"), help: "TLS listen address HOST:PORT or [IPv6]:PORT (repeatable).")
    var listen: [String] = []
    @Option(name: .customLong("tls-cert"), help: "PEM certificate (chain); reloaded when it changes.")
    var tlsCert: String
    @Option(name: .customLong("tls-key"), help: "PEM private key (RSA or ECDSA); reloaded when it changes.")
    var tlsKey: String
    @Option(name: .customLong("client-ca"), help: "Require client certificates signed by this CA bundle.")
    var clientCA: String?
    @Option(name: .customLong("tls-min-version"), help: "Lowest TLS version: 1.2 or 1.3.")
    var tlsMinVersion: String = "1.2"
    @Flag(inversion: .prefixedNo, help: "Offer HTTP/2 in ALPN.")
    var http2 = true
    @Option(name: .customLong("metrics-listen"), help: "Plain-HTTP address for /metrics, /livez, /readyz; \"off\" disables it.")
    var metricsListen: String = "0.0.0.0:9090"
    @Option(help: "Event-loop threads (default: number of CPUs).")
    var threads: Int?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body.")
    var maxBodyBytes: Int = 7_340_032
    @Option(name: .customLong("max-connections"), help: "Open TLS connections before new ones are refused.")
    var maxConnections: Int = 10_000
    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open.")
    var idleTimeout: Double = 120
    @Option(name: .customLong("shutdown-delay"), help: "Seconds to keep serving after SIGTERM before closing listeners.")
    var shutdownDelay: Double = 5
    @Option(name: .customLong("shutdown-timeout"), help: "Seconds to wait for in-flight requests after closing listeners.")
    var shutdownTimeout: Double = 25
    @Option(name: .customLong("request-timeout"), help: "Seconds from a request's first byte to its last (408 after).")
    var requestTimeout: Double = 10
    @Option(name: .customLong("handshake-timeout"), help: "Seconds a TLS handshake may take.")
    var handshakeTimeout: Double = 10
    @Option(name: .customLong("reload-interval"), help: "Seconds between checks of the certificate files.")
    var reloadInterval: Double = 10
    @Option(name: .customLong("config"), help: "Policy configuration (YAML); reloaded when it changes. Default: the documented defaults.")
    var config: String?
    @Option(name: .customLong("record-dir"), help: "Write each answered review as <time>-<uid>.request.json/.response.json (Secret values redacted).")
    var recordDir: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.")
    var logLevel: String = "info"

    func validate() throws {
        guard ["1.2", "1.3"].contains(tlsMinVersion) else { throw ValidationError("--tls-min-version must be 1.2 or 1.3") }
        guard Logger.Level(rawValue: logLevel) != nil, logLevel != "notice", logLevel != "critical" else {
            throw ValidationError("--log-level must be trace, debug, info, warning or error")
        }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        for (name, value) in [("--idle-timeout", idleTimeout), ("--request-timeout", requestTimeout), ("--handshake-timeout", handshakeTimeout), ("--reload-interval", reloadInterval)] where !(value > 0) {
            throw ValidationError("\(name) must be positive")
        }
        for (name, value) in [("--shutdown-delay", shutdownDelay), ("--shutdown-timeout", shutdownTimeout)] where !(value >= 0) {
            throw ValidationError("\(name) must not be negative")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "serverless-mesh-webhook")
        let exporter = MetricsExporter()
        exporter.bootstrap()

        var tls = TLSConfiguration(certificatePath: tlsCert, privateKeyPath: tlsKey, clientCAPath: clientCA)
        tls.minimumVersion = tlsMinVersion == "1.3" ? .tls13 : .tls12
        tls.alpnProtocols = http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        let context: TLSContext
        do {
            context = try TLSContext.load(tls)
        } catch {
            throw StartupError(error.description)
        }

        let configFile = try config.map { path throws(StartupError) in try ConfigurationFile(path: path) }
        let policyConfiguration = try configFile?.current() ?? PolicyConfiguration()
        let recorder = try recordDir.map { path throws(StartupError) in try ReviewRecorder(directory: path) }
        let admission = AdmissionService(policy: Policy(configuration: policyConfiguration), logger: logger, recorder: recorder, durations: exporter.requestDurations)

        var configuration = ServerConfiguration(tls: tls)
        configuration.listen = listen.isEmpty ? ["0.0.0.0:8443"] : listen
        configuration.metricsListen = metricsListen == "off" ? nil : metricsListen
        configuration.http2 = http2
        configuration.threads = threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = idleTimeout
        configuration.requestTimeout = requestTimeout
        configuration.handshakeTimeout = handshakeTimeout
        configuration.shutdownDelay = shutdownDelay
        configuration.shutdownTimeout = shutdownTimeout
        configuration.reloadInterval = reloadInterval

        let server = Server(
            configuration: configuration,
            tlsContext: context,
            routes: admission.routes(),
            metricsRoutes: Self.metricsRoutes(exporter),
            logger: logger
        )
        do {
            try server.start()
        } catch {
            throw StartupError(error.description)
        }
        logger.info("policy loaded", metadata: [
            "config": "\(config ?? "(defaults)")", "integration": "\(policyConfiguration.integration.rawValue)",
            "enforcement": "\(policyConfiguration.enforcement.rawValue)",
        ])
        server.runUntilStopped {
            guard let configFile else { return }
            switch configFile.poll() {
            case .unchanged:
                break
            case .reloaded(let configuration):
                admission.replace(policy: Policy(configuration: configuration))
                Counter(label: "config_reloads_total", dimensions: [("result", "success")]).increment()
                logger.info("configuration reloaded", metadata: ["config": "\(configFile.path)"])
            case .failed(let reason):
                Counter(label: "config_reloads_total", dimensions: [("result", "failure")]).increment()
                logger.error("configuration reload failed; keeping the previous configuration", metadata: ["error": "\(reason)"])
            }
        }
    }

    private static func metricsRoutes(_ exporter: MetricsExporter) -> Router {
        var router = Router()
        router.add(method: "GET", path: "/metrics") { _, _ in exporter.render() }
        return router
    }
}

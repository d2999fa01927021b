// The command line entry point: `serve`, `version`; every usage error exits 2 with one line.
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The root command. Parsing and dispatch only; each subcommand lives in its own file.
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serverless-mesh-webhook",
        abstract: "Admission webhook for OpenShift Serverless on Service Mesh.",
        subcommands: [ServeCommand.self, ReplayCommand.self, CheckCommand.self, VersionCommand.self]
    )
}

/// A startup failure that ends the process with status 2 and one line on stderr.
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@main
enum Main {
    static func main() {
        do {
            var command = try WebhookCommand.parseAsRoot()
            try command.run()
        } catch let error as StartupError {
            fail(error.description)
        } catch {
            let code = WebhookCommand.exitCode(for: error)
            if code == .success {
                print(WebhookCommand.fullMessage(for: error))
                exit(0)
            }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            // server.md: bad flags exit 2 with one line naming the problem.
            let message = WebhookCommand.message(for: error)
            let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
            fail(firstLine + " (see --help)")
        }
    }

    static func fail(_ message: String) -> Never {
        let line = "serverless-mesh-webhook: " + message + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
}

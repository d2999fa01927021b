// `serverless-mesh-webhook version`: the build's version and the C libraries it runs on.
import ArgumentParser
import HTTPServer

/// Prints the version, OpenSSL's and libnghttp2's.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and the linked OpenSSL and libnghttp2.")
    static let version = "0.1.0"

    func run() {
        print("serverless-mesh-webhook \(Self.version)")
        print("openssl \(LinkedLibraries.openSSL)")
        print("nghttp2 \(LinkedLibraries.nghttp2)")
    }
}

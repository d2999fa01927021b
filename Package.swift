// swift-tools-version:6.0
// The serverless-mesh-webhook package: a TLS admission webhook server for OpenShift Serverless on Service Mesh.
import PackageDescription

let package = Package(
    name: "serverless-mesh-webhook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "serverless-mesh-webhook", targets: ["serverless-mesh-webhook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CLinux"),
        // Header-only SIMD helpers (static inline C) for Admission's JSON string scan.
        .systemLibrary(name: "CJSONScan"),
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinux",
                "COpenSSL",
                "CNghttp2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "serverless-mesh-webhook",
            dependencies: [
                "HTTPServer",
                "Admission",
                "Policy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "Admission",
            dependencies: ["CJSONScan"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "Policy",
            dependencies: ["Admission", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "pipeline-bench",
            dependencies: ["Admission", "Policy"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "PolicyTests",
            dependencies: ["Policy", "Admission"],
            exclude: ["Fixtures"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "AdmissionTests",
            dependencies: ["Admission"],
            exclude: ["Fixtures"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "COpenSSL", "CNghttp2"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["serverless-mesh-webhook", "COpenSSL", .product(name: "Prometheus", package: "swift-prometheus")]
        ),
    ]
)

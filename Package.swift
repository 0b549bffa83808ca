// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dharma",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dharma", targets: ["dharma"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/GraphQLSwift/Graphiti", from: "3.1.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "DharmaCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "DharmaStore",
            dependencies: ["DharmaCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio")]),
        .target(name: "DharmaNet"),
        .target(
            name: "DharmaProviders",
            dependencies: ["DharmaCore", "DharmaNet", "DharmaProxy", "DharmaSecurity", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "DharmaWorkload", dependencies: ["DharmaNet"]),
        .target(name: "DharmaProxy", dependencies: ["DharmaNet"]),
        .target(
            name: "DharmaSecurity",
            dependencies: [
                "DharmaCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]),
        .target(name: "DharmaAudit", dependencies: ["DharmaCore", "DharmaSecurity", "DharmaStore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "DharmaExport", dependencies: ["DharmaCore"]),
        .target(name: "DharmaCost", dependencies: ["DharmaCore"], resources: [.copy("Resources/prices.json")]),
        .target(name: "DharmaInsight"),
        .target(name: "DharmaPolicy", dependencies: ["DharmaCore", .product(name: "Yams", package: "Yams")], resources: [.copy("Resources/rules.yaml")]),
        .target(name: "DharmaEngine", dependencies: ["DharmaCore", "DharmaStore", "DharmaProviders", "DharmaAudit", "DharmaSecurity"]),
        .target(
            name: "DharmaAutopilot",
            dependencies: [
                "DharmaCore", "DharmaStore", "DharmaProviders", "DharmaNet", "DharmaProxy", "DharmaEngine", "DharmaAudit", "DharmaInsight", "DharmaPolicy",
                "DharmaMetrics",
            ]),
        .target(name: "DharmaMetrics", dependencies: ["DharmaCore", "DharmaStore", "DharmaInsight"]),
        .target(
            name: "DharmaChaos", dependencies: ["DharmaCore", "DharmaStore", "DharmaProviders", "DharmaNet", "DharmaEngine", "DharmaAudit", "DharmaAutopilot"]),
        .target(
            name: "DharmaBench",
            dependencies: [
                "DharmaCore", "DharmaStore", "DharmaAudit", "DharmaEngine", "DharmaExport", "DharmaPolicy", "DharmaInsight", "DharmaMetrics",
                "DharmaNet", "DharmaAPI", "DharmaClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ]),
        .target(
            name: "DharmaService",
            dependencies: [
                "DharmaCore", "DharmaStore", "DharmaSecurity", "DharmaAudit", "DharmaProviders", "DharmaEngine", "DharmaExport", "DharmaCost",
                "DharmaPolicy", "DharmaInsight", "DharmaMetrics", "DharmaAutopilot", "DharmaChaos",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]),
        .target(
            name: "DharmaConsole",
            dependencies: [
                "DharmaCore", "DharmaStore", "DharmaService", "DharmaSecurity", "DharmaAudit", "DharmaAutopilot", "DharmaPolicy", "DharmaInsight",
                "DharmaMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Templates"), .copy("Assets")]),
        .target(
            name: "DharmaAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi-generator-config.yaml"], resources: [.copy("Resources/openapi.yaml")]),
        .target(
            name: "DharmaServer",
            dependencies: [
                "DharmaAPI", "DharmaCore", "DharmaStore", "DharmaSecurity", "DharmaAudit", "DharmaService", "DharmaInsight", "DharmaConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Graphiti", package: "Graphiti"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .target(
            name: "DharmaClient",
            dependencies: [
                "DharmaAPI", "DharmaAudit", "DharmaCore", "DharmaSecurity", "DharmaService",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "dharma",
            dependencies: [
                "DharmaCore", "DharmaStore", "DharmaProviders", "DharmaEngine", "DharmaWorkload", "DharmaProxy", "DharmaAudit", "DharmaSecurity",
                "DharmaExport", "DharmaCost", "DharmaPolicy", "DharmaInsight", "DharmaAutopilot", "DharmaChaos", "DharmaMetrics", "DharmaService",
                "DharmaBench", "DharmaServer", "DharmaClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "DharmaCoreTests", dependencies: ["DharmaTestKit", "DharmaCore"]),
        .testTarget(
            name: "DharmaStoreTests",
            dependencies: ["DharmaTestKit", "DharmaStore", "DharmaSecurity", "DharmaNet", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "DharmaProvidersTests", dependencies: ["DharmaTestKit", "DharmaProviders", "DharmaWorkload", "DharmaNet", "DharmaProxy", "DharmaTestSupport"]),
        .target(name: "DharmaTestKit", path: "Tests/Kit"),
        .target(
            name: "DharmaTestSupport", dependencies: ["DharmaTestKit", "DharmaEngine", "DharmaAudit", "DharmaStore", "DharmaCore", "DharmaNet"],
            path: "Tests/Support"),
        .testTarget(name: "DharmaEngineTests", dependencies: ["DharmaTestKit", "DharmaEngine", "DharmaAudit", "DharmaTestSupport"]),
        .testTarget(
            name: "DharmaAutopilotTests",
            dependencies: [
                "DharmaTestKit", "DharmaAutopilot", "DharmaNet", "DharmaEngine", "DharmaStore", "DharmaAudit", "DharmaCore", "DharmaTestSupport",
                "DharmaMetrics", "DharmaInsight",
            ]),
        .testTarget(name: "DharmaChaosTests", dependencies: ["DharmaChaos", "DharmaCore", "DharmaInsight"]),
        .testTarget(
            name: "DharmaServiceTests",
            dependencies: ["DharmaTestKit", "DharmaService", "DharmaCore", "DharmaCost", "DharmaPolicy", "DharmaAudit", "DharmaStore", "DharmaAutopilot"]),
        .testTarget(
            name: "DharmaServerTests",
            dependencies: [
                "DharmaTestKit", "DharmaAPI", "DharmaClient", "DharmaCore", "DharmaAudit", "DharmaNet", "DharmaServer", "DharmaConsole",
                "DharmaInsight", "DharmaPolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "DharmaCLITests", dependencies: ["DharmaTestKit", "DharmaCore", "DharmaNet", "DharmaProxy"]),
        .testTarget(name: "DharmaExportTests", dependencies: ["DharmaTestKit", "DharmaExport", "DharmaCore"]),
        .testTarget(name: "DharmaCostTests", dependencies: ["DharmaTestKit", "DharmaCost", "DharmaCore"]),
        .testTarget(name: "DharmaInsightTests", dependencies: ["DharmaTestKit", "DharmaInsight"]),
        .testTarget(name: "DharmaPolicyTests", dependencies: ["DharmaTestKit", "DharmaPolicy", "DharmaCore"], exclude: ["Fixtures"]),
        .testTarget(name: "DharmaSecurityTests", dependencies: ["DharmaTestKit", "DharmaSecurity"]),
        .testTarget(
            name: "DharmaAuditTests",
            dependencies: ["DharmaTestKit", "DharmaAudit", "DharmaCore", "DharmaSecurity", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)

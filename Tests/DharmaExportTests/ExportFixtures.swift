import DharmaCore
import DharmaTestKit
import Foundation

@testable import DharmaExport

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Loads and resolves a blueprint the way `dharma export` does.
func exportStack(path: String, provider: ProviderName? = nil) throws -> ExportStack {
    let loaded = BlueprintLoader().load(path: path)
    guard let blueprint = loaded.blueprint else {
        throw FixtureError(description: "invalid blueprint \(path): \(loaded.diagnostics.map(\.message))")
    }
    let variables = try VariableResolver.resolve(blueprint, environment: nil, overrides: [:])
    return ExportStack(blueprint: blueprint, variables: variables, options: .init(provider: provider))
}

func exportStack(yaml: String, provider: ProviderName? = nil) throws -> ExportStack {
    let directory = scratchDirectory()
    let path = directory + "/blueprint.yaml"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return try exportStack(path: path, provider: provider)
}

func example(_ name: String) -> String { TestPaths.repository + "/examples/" + name }

func scratchDirectory() -> String {
    Scratch.directory("dharma-export")
}

/// Writes generated files under a new directory and returns it.
func write(_ files: [GeneratedFile], into directory: String = scratchDirectory()) throws -> String {
    for file in files {
        let path = directory + "/" + file.path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return directory
}

struct ToolResult {
    var status: Int32
    var output: String
}

/// Runs a validator found on PATH (installed by .ci/run) and returns its exit status and output.
/// It waits on a thread of its own: checkov runs for tens of seconds, and blocking one of the
/// few threads Swift concurrency shares would stall every async test running beside it.
func runTool(_ arguments: [String], in directory: String? = nil, keepErrors: Bool = true) async throws -> ToolResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try runToolWaiting(arguments, in: directory, keepErrors: keepErrors) })
        }
    }
}

private func runToolWaiting(_ arguments: [String], in directory: String?, keepErrors: Bool) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = keepErrors ? pipe : FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.start()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

func text(_ files: [GeneratedFile], _ name: String) -> String {
    files.first { $0.path == name }?.contents ?? ""
}

/// The smallest valid properties of each type, for blueprints that exercise a whole mapping.
let minimalProperties: [String: String] = [
    "compute.vm": "{image: ubuntu-24.04, cpu: 2, memory: 4Gi}",
    "compute.service": "{image: \"ghcr.io/example/app:1.0\", replicas: 2, cpu: 0.5, memory: 1Gi}",
    "compute.function": "{runtime: python3.12, handler: main.handle, source: fn}",
    "compute.cluster": "{nodes: 3}",
    "network.vpc": "{cidr: 10.0.0.0/16}",
    "network.subnet": "{vpc: \"${net.id}\", cidr: 10.0.1.0/24}",
    "network.firewall": "{vpc: \"${net.id}\", ingress: [{port: 443, from: [10.0.0.0/8], description: internal}]}",
    // A network load balancer: an application one on aws needs subnets and a certificate (the matrix covers it).
    "network.loadbalancer": "{port: 5432, protocol: tcp}",
    "network.dns": "{zone: example.com}",
    "network.cdn": "{origin: origin.example.com}",
    "storage.bucket": "{versioning: true}",
    "storage.volume": "{size: 50Gi}",
    "database.postgres": "{cpu: 2, memory: 8Gi}",
    "database.mysql": "{cpu: 2, memory: 8Gi}",
    "database.nosql": "{partitionKey: id}",
    "cache.redis": "{memory: 2Gi}",
    "queue.queue": "{deadLetterAfter: 5}",
    "queue.topic": "{}",
    "data.warehouse": "{size: small}",
    "security.certificate": "{domains: [example.com]}",
    "security.secret": "{length: 32}",
    "security.identity": "{permissions: [{actions: [\"s3:GetObject\"], resources: [\"*\"]}]}",
    "monitoring.alert": "{metric: cpu, threshold: 80}",
    "storage.file": "{path: app.conf, content: hello}",
]

/// A blueprint with one resource of each given type on `provider`; a VPC named `net` comes
/// first when subnets or firewalls need one and the provider has networks.
func blueprint(provider: ProviderName, region: String, types: [String]) -> String {
    var resources = ""
    let needsNetwork = types.contains("network.subnet") || types.contains("network.firewall")
    let typesWithNetwork = needsNetwork && types.contains("network.vpc") ? types.filter { $0 != "network.vpc" } : types
    if needsNetwork && types.contains("network.vpc") {
        resources += "  net: {type: network.vpc, properties: {cidr: 10.0.0.0/16}}\n"
    }
    for type in typesWithNetwork.sorted() {
        var properties = minimalProperties[type] ?? "{}"
        if !types.contains("network.vpc") { properties = properties.replacingOccurrences(of: "\"${net.id}\"", with: "vpc-0123") }
        resources += "  \(type.replacingOccurrences(of: ".", with: "-")): {type: \(type), properties: \(properties)}\n"
    }
    return """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: catalog, environment: test, owner: team-infra}
        target: {provider: \(provider.rawValue), region: \(region)}
        resources:
        \(resources)
        """
}

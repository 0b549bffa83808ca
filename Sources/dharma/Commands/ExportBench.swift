import ArgumentParser
import DharmaCore
import DharmaExport
import Foundation

extension BenchCommand {
    struct ExportBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Generate every export format for a synthetic blueprint of N resources; prints the time per format.",
            discussion: "Example: dharma bench export --resources 5000")

        @Option(help: "Resources in the synthetic blueprint.") var resources = 5000
        @Option(help: "Runs per format; the best is reported.") var runs = 3
        @Flag(help: "Print the figures as JSON.") var json = false

        func run() async throws {
            guard resources >= 10, runs >= 1 else { throw ValidationError("--resources must be at least 10 and --runs at least 1") }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-export-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let cloud = try load(Self.cloudBlueprint(resources), at: directory + "/cloud.yaml")
            let cluster = try load(Self.kubernetesBlueprint(resources), at: directory + "/cluster.yaml")
            var figures: [(String, Int, Double, Int)] = []
            let azure = ExportStack(blueprint: cloud.blueprint, variables: [:], options: .init(provider: .azure))
            let gcp = ExportStack(blueprint: cloud.blueprint, variables: [:], options: .init(provider: .gcp))
            let cases: [(String, ExportFormat, ExportStack)] = [
                ("terraform aws", ExportFormat.terraform, cloud.stack),
                ("terraform azure", ExportFormat.terraform, azure),
                ("terraform gcp", ExportFormat.terraform, gcp),
                ("cloudformation yaml", ExportFormat.cloudformation, cloud.stack),
                ("cloudformation json", ExportFormat.cloudformationJSON, cloud.stack),
                ("bicep", ExportFormat.bicep, azure),
                ("pulumi aws", ExportFormat.pulumi, cloud.stack),
                ("kubernetes", ExportFormat.kubernetes, cluster.stack),
            ]
            for (name, format, stack) in cases {
                var best = Double.infinity
                var bytes = 0
                for _ in 0..<runs {
                    let start = ContinuousClock.now
                    let files = try format.export(stack)
                    best = min(best, seconds(ContinuousClock.now - start))
                    bytes = files.reduce(0) { $0 + $1.contents.utf8.count }
                }
                figures.append((name, stack.resources.count, best, bytes))
            }
            if json {
                print(Value.map(["formats": .list(figures.map {
                    .map(["format": .string($0.0), "resources": .int($0.1), "seconds": .double($0.2), "bytes": .int($0.3)])
                })]).jsonText)
                return
            }
            for (name, count, time, bytes) in figures {
                let label = name + String(repeating: " ", count: max(0, 20 - name.count))
                print(label + String(format: "%6d resources  %7.1f ms  %6.1f MB  (best of %d)", count, time * 1000, Double(bytes) / 1e6, runs))
            }
        }

        struct Loaded {
            var blueprint: Blueprint
            var stack: ExportStack
        }

        func load(_ text: String, at path: String) throws -> Loaded {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let loaded = BlueprintLoader().load(path: path)
            guard let blueprint = loaded.blueprint else {
                throw CLIFailure(message: "the synthetic blueprint is invalid: \(loaded.diagnostics.first?.message ?? "")", code: Exit.failure)
            }
            return Loaded(blueprint: blueprint, stack: ExportStack(blueprint: blueprint, variables: [:]))
        }

        /// Repeats a ten-resource web unit: network, firewall, balancer, service, database,
        /// cache, bucket, queue, with references between them.
        static func cloudBlueprint(_ count: Int) -> String {
            var text = "apiVersion: dharma.dev/v3\nkind: Blueprint\nmetadata: {name: bench, owner: team-bench}\ntarget: {provider: aws, region: eu-west-1}\nresources:\n"
            var written = 0
            var unit = 0
            while written < count {
                let u = "u\(unit)"
                let octet = unit % 250
                let lines = [
                    "  \(u)-net: {type: network.vpc, properties: {cidr: 10.\(octet).0.0/16}}",
                    "  \(u)-a: {type: network.subnet, properties: {vpc: \"${\(u)-net.id}\", cidr: 10.\(octet).1.0/24}}",
                    "  \(u)-b: {type: network.subnet, properties: {vpc: \"${\(u)-net.id}\", cidr: 10.\(octet).2.0/24}}",
                    "  \(u)-fw: {type: network.firewall, properties: {vpc: \"${\(u)-net.id}\", ingress: [{port: 443, from: [0.0.0.0/0], description: https}]}}",
                    "  \(u)-db: {type: database.postgres, properties: {cpu: 2, memory: 8Gi, subnets: [\"${\(u)-a.id}\", \"${\(u)-b.id}\"]}}",
                    "  \(u)-cache: {type: cache.redis, properties: {memory: 2Gi}}",
                    "  \(u)-web: {type: compute.service, properties: {image: \"ghcr.io/x/web:1\", replicas: 2, env: {DB: \"${\(u)-db.endpoint}\", CACHE: \"${\(u)-cache.endpoint}\"}}}",
                    "  \(u)-lb: {type: network.loadbalancer, properties: {subnets: [\"${\(u)-a.id}\", \"${\(u)-b.id}\"], targets: [\"${\(u)-web.id}\"], protocol: http, port: 80}}",
                    "  \(u)-assets: {type: storage.bucket}",
                    "  \(u)-jobs: {type: queue.queue, properties: {deadLetterAfter: 5}}",
                ]
                for line in lines.prefix(count - written) { text += line + "\n" }
                written += min(lines.count, count - written)
                unit += 1
            }
            return text
        }

        static func kubernetesBlueprint(_ count: Int) -> String {
            var text = "apiVersion: dharma.dev/v3\nkind: Blueprint\nmetadata: {name: bench}\ntarget: {provider: kubernetes, region: cluster-1}\nresources:\n"
            for index in 0..<count {
                switch index % 4 {
                case 0: text += "  s\(index): {type: compute.service, properties: {image: \"ghcr.io/x/s:1\", replicas: 2, health: {http: /healthz}}}\n"
                case 1: text += "  v\(index): {type: storage.volume, properties: {size: 10Gi}}\n"
                case 2: text += "  k\(index): {type: security.secret}\n"
                default: text += "  f\(index): {type: network.firewall, properties: {ingress: [{port: 8080, from: [10.0.0.0/8]}]}}\n"
                }
            }
            return text
        }
    }
}

import DharmaCore
import DharmaExport
import Foundation

extension Benchmarks {
    public struct ExportFigure: Sendable {
        public var name: String
        public var resources: Int
        /// Best of the runs.
        public var seconds: Double
        public var bytes: Int
    }

    /// Every export format for a synthetic blueprint of `resources` resources, best of `runs`.
    public static func export(resources: Int, runs: Int) throws -> [ExportFigure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cloud = try synthetic(cloudBlueprint(resources), at: directory + "/cloud.yaml")
        let cluster = try synthetic(kubernetesBlueprint(resources), at: directory + "/cluster.yaml")
        let azure = ExportStack(blueprint: cloud, variables: [:], options: .init(provider: .azure))
        let gcp = ExportStack(blueprint: cloud, variables: [:], options: .init(provider: .gcp))
        let aws = ExportStack(blueprint: cloud, variables: [:])
        let cases: [(String, ExportFormat, ExportStack)] = [
            ("terraform aws", .terraform, aws),
            ("terraform azure", .terraform, azure),
            ("terraform gcp", .terraform, gcp),
            ("cloudformation yaml", .cloudformation, aws),
            ("cloudformation json", .cloudformationJSON, aws),
            ("bicep", .bicep, azure),
            ("pulumi aws", .pulumi, aws),
            ("kubernetes", .kubernetes, ExportStack(blueprint: cluster, variables: [:])),
        ]
        var figures: [ExportFigure] = []
        for (name, format, stack) in cases {
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<max(1, runs) {
                let start = ContinuousClock.now
                let files = try format.export(stack)
                best = min(best, seconds(ContinuousClock.now - start))
                bytes = files.reduce(0) { $0 + $1.contents.utf8.count }
            }
            figures.append(ExportFigure(name: name, resources: stack.resources.count, seconds: best, bytes: bytes))
        }
        return figures
    }

    static func synthetic(_ text: String, at path: String) throws -> Blueprint {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = BlueprintLoader().load(path: path)
        guard let blueprint = loaded.blueprint else {
            throw BenchmarkError("the synthetic blueprint is invalid: \(loaded.diagnostics.first?.message ?? "")")
        }
        return blueprint
    }

    /// Repeats a ten-resource web unit: network, firewall, balancer, service, database,
    /// cache, bucket, queue, with references between them.
    public static func cloudBlueprint(_ count: Int) -> String {
        var text =
            "apiVersion: dharma.dev/v3\nkind: Blueprint\nmetadata: {name: bench, owner: team-bench}\ntarget: {provider: aws, region: eu-west-1}\nresources:\n"
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

    public static func kubernetesBlueprint(_ count: Int) -> String {
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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

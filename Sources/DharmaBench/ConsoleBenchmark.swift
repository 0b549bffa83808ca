import DharmaAPI
import DharmaClient
import DharmaStore
import Foundation
import OpenAPIRuntime

/// `dharma bench console`: the web console's pages for an organisation of many stacks, each
/// measured from a signed-in session: what the browser downloads (HTML, and the stylesheet and
/// scripts the page links) and how long the server takes to render it, one request at a time.
extension Benchmarks {
    public struct ConsolePage: Sendable {
        public var name: String
        public var path: String
        public var htmlBytes: Int
        /// The stylesheet and scripts the page links, each counted once.
        public var assetBytes: Int
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var requestsPerSecond: Double
    }

    public struct ConsoleFigures: Sendable {
        public var stacks: Int
        public var pages: [ConsolePage]
        public var seconds: Int
    }

    public static func console(dharma: String, stacks: Int, seconds: Int) async throws -> ConsoleFigures {
        let scratch = NSTemporaryDirectory() + "dharma-bench-console-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        let server = try await BenchServer.start(dharma: dharma, data: data, tls: false)
        defer { server.stop() }
        let seeded = try await server.seedOrganisation(stacks: stacks) { syntheticBlueprint(resources: 10, name: $0) }
        try importMetrics(dharma: dharma, into: data + "/orgs/bench/dharma.db", scratch: scratch)
        let cookie = try signIn(dharma: dharma, server: server, data: data, scratch: scratch)

        let stack = "/console/orgs/bench/stacks/\(seeded.firstStack)"
        let pages: [(String, String)] = [
            ("stacks (\(stacks))", "/console"), ("stack", stack), ("run", "/console/orgs/bench/runs/\(seeded.appliedRun)"),
            ("audit log", "/console/orgs/bench/audit"), ("runs", "/console/runs"), ("my work", "/console/dashboards/developer"),
            ("operations", "/console/dashboards/operations"),
            ("security", "/console/dashboards/security"), ("executive", "/console/dashboards/executive"),
            ("business", "/console/dashboards/business"), ("AIOps", "/console/dashboards/aiops"),
            ("compliance", stack + "/compliance?framework=soc2"), ("metrics, 1 day", "/console/orgs/bench/metrics?since=24h&query=cpu"),
            ("API tokens", "/console/tokens"),
        ]
        var measured: [ConsolePage] = []
        for (name, path) in pages {
            let html = try curl(server.url + path, cookie: cookie)
            var assets = 0
            for asset in Set(linkedAssets(in: html)) { assets += try curl(server.url + asset, cookie: cookie).utf8.count }
            let timing = try await Wrk.run(
                url: server.url + path, connections: 1, seconds: seconds, token: nil, postFile: nil, scratch: scratch,
                headers: ["Cookie: \(cookie)"])
            guard timing.errors == 0 else { throw BenchmarkError("\(path) answered with errors under load") }
            measured.append(
                ConsolePage(
                    name: name, path: path, htmlBytes: html.utf8.count, assetBytes: assets, p50Milliseconds: timing.p50, p99Milliseconds: timing.p99,
                    requestsPerSecond: timing.requestsPerSecond))
        }
        return ConsoleFigures(stacks: stacks, pages: measured, seconds: seconds)
    }

    /// The `/console/assets/…` files a page links with `src` or `href`.
    static func linkedAssets(in html: String) -> [String] {
        html.components(separatedBy: "\"/console/assets/").dropFirst().compactMap { rest in
            rest.split(separator: "\"", maxSplits: 1).first.map { "/console/assets/" + $0 }
        }
    }

    /// A day of one sample a minute, so the metrics page charts, forecasts and scans 1,440 points.
    static func importMetrics(dharma: String, into database: String, scratch: String) throws {
        let now = Int(Date().timeIntervalSince1970) / 60 * 60
        var csv = "timestamp,value\n"
        for minute in 0..<1440 {
            csv += "\(now - (1440 - minute) * 60),\(40 + 10 * sin(Double(minute) * 2 * .pi / 60) + Double(minute * 7919 % 100) / 100)\n"
        }
        try csv.write(toFile: scratch + "/cpu.csv", atomically: true, encoding: .utf8)
        _ = try command(dharma, ["metrics", "import", scratch + "/cpu.csv", "--name", "cpu", "--label", "resource=web", "--state", database])
    }

    /// A console session for the server's first user, whose password this sets.
    static func signIn(dharma: String, server: BenchServer, data: String, scratch: String) throws -> String {
        let password = "bench-" + UUID().uuidString
        _ = try command(dharma, ["server", "set-password", "--data", data, "--user", "admin"], input: password + "\n")
        let jar = scratch + "/cookies.txt"
        _ = try command(
            "/usr/bin/env",
            [
                "curl", "-sS", "-o", "/dev/null", "-c", jar, "--data-urlencode", "user=admin", "--data-urlencode", "password=\(password)",
                server.url + "/console/login",
            ])
        let lines = (try? String(contentsOfFile: jar, encoding: .utf8)) ?? ""
        guard let line = lines.split(separator: "\n").first(where: { $0.contains("\tdharma_session\t") }), let value = line.split(separator: "\t").last else {
            throw BenchmarkError("signing in to the console gave no session cookie")
        }
        return "dharma_session=\(value)"
    }

    static func curl(_ url: String, cookie: String) throws -> String {
        let output = try command("/usr/bin/env", ["curl", "-sS", "--fail", "-H", "Cookie: \(cookie)", url])
        return output
    }

    /// Runs a program to its end and returns what it printed; a failure says what ran and why.
    static func command(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError(
                "\(arguments.prefix(3).joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: complaint, as: UTF8.self))")
        }
        return String(decoding: printed, as: UTF8.self)
    }
}

extension BenchServer {
    /// Organisation `bench` with `stacks` stacks, each of the blueprint made for its name and
    /// planned once; the first
    /// is applied too, so its page has resources, state versions and a run with a plan.
    func seedOrganisation(stacks: Int, blueprint: (String) -> String) async throws -> (firstStack: String, appliedRun: String) {
        let client = try RemoteClient(profile: RemoteProfile(server: url, token: token, ca: ca))
        do {
            let api = client.api
            _ = try await api.createOrganisation(body: .json(.init(name: "bench"))).created
            _ = try await api.createProject(path: .init(org: "bench"), body: .json(.init(name: "bench"))).created
            var last = ""
            for index in 0..<max(1, stacks) {
                let name = String(format: "s%03d", index)
                _ = try await api.createStack(path: .init(org: "bench"), body: .json(.init(project: "bench", name: name, environment: "default"))).created
                _ = try await api.uploadBlueprint(path: .init(org: "bench", stack: "\(name).default"), body: .yaml(HTTPBody(blueprint(name)))).created
                last = try await api.createRun(path: .init(org: "bench", stack: "\(name).default"), body: .json(.init(kind: .planOnly))).created.body.json.id
            }
            let applied = try await api.createRun(path: .init(org: "bench", stack: "s000.default"), body: .json(.init(kind: .apply))).created.body.json.id
            try await waitUntilFinished(run: last, api: api)
            try await waitUntilFinished(run: applied, api: api)
            await client.shutdown()
            return ("s000.default", applied)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

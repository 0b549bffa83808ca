import DharmaAPI
import DharmaClient
import DharmaCore
import DharmaNet
import DharmaStore
import Foundation
import Hummingbird
import OpenAPIRuntime

/// `dharma bench server`: wrk against the control plane, over plain HTTP and over TLS, next to
/// a Hummingbird hello-world in the same run. Each scenario runs `rounds` times for
/// `seconds`; the best round by requests per second is reported with its latencies.
extension Benchmarks {
    public struct ServerScenario: Sendable {
        public var name: String
        public var transport: String
        public var requestsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var errors: Int
    }

    public struct ServerFigures: Sendable {
        public var scenarios: [ServerScenario]
        public var connections: Int
        public var seconds: Int
    }

    /// Runs the scenarios against servers this process starts: `dharma` is the executable to
    /// start (`dharma server`), `wrk` must be on PATH.
    public static func server(dharma: String, connections: Int, seconds: Int, rounds: Int) async throws -> ServerFigures {
        let scratch = NSTemporaryDirectory() + "dharma-bench-server-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // The baseline: Hummingbird's hello-world, in this process.
        let helloPort = try freePort()
        let router = Router()
        router.get("hello") { _, _ in "Hello, world!" }
        let hello = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: helloPort)))
        let helloTask = Task { try await hello.runService() }
        defer { helloTask.cancel() }

        let plain = try await BenchServer.start(dharma: dharma, data: scratch + "/plain", tls: false)
        defer { plain.stop() }
        let secure = try await BenchServer.start(dharma: dharma, data: scratch + "/tls", tls: true)
        defer { secure.stop() }
        let blueprint = syntheticBlueprint(resources: 50)  // chains of files referring to each other
        for server in [plain, secure] { try await server.seed(blueprint: blueprint, runs: 100) }
        try await waitForPort(helloPort)

        let body = scratch + "/blueprint.yaml"
        try blueprint.write(toFile: body, atomically: true, encoding: .utf8)
        var scenarios: [ServerScenario] = []
        func run(_ name: String, _ transport: String, _ url: String, token: String?, post: String? = nil) async throws {
            var best: ServerScenario?
            for _ in 0..<max(1, rounds) {
                let result = try await Wrk.run(url: url, connections: connections, seconds: seconds, token: token, postFile: post, scratch: scratch)
                let scenario = ServerScenario(
                    name: name, transport: transport, requestsPerSecond: result.requestsPerSecond, p50Milliseconds: result.p50,
                    p99Milliseconds: result.p99, errors: result.errors)
                if scenario.requestsPerSecond > best?.requestsPerSecond ?? -1 { best = scenario }
            }
            if let best { scenarios.append(best) }
        }
        try await run("hello-world (Hummingbird)", "http", "http://127.0.0.1:\(helloPort)/hello", token: nil)
        for server in [plain, secure] {
            let transport = server.tls ? "https (X25519)" : "http"
            // The floor under every call: routing, middleware and the OpenAPI layer, no token, no database.
            try await run("GET /healthz", transport, server.url + "/healthz", token: nil)
            try await run("GET a stack", transport, server.url + "/v1/orgs/bench/stacks/bench.default", token: server.token)
            try await run("GET a list of 100 runs", transport, server.url + "/v1/orgs/bench/stacks/bench.default/runs?limit=100", token: server.token)
            try await run("POST validate, 50 resources", transport, server.url + "/v1/orgs/bench/validate", token: server.token, post: body)
        }
        return ServerFigures(scenarios: scenarios, connections: connections, seconds: seconds)
    }

    static func freePort() throws -> Int {
        guard let port = PortAllocator.freePort() else { throw BenchmarkError("no free port") }
        return port
    }

    static func waitForPort(_ port: Int) async throws {
        for _ in 0..<100 {
            if ReadinessProbe.tcpAccepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("nothing listens on port \(port)")
    }
}

/// A `dharma server` child process for the benchmark.
final class BenchServer: Sendable {
    let process: Process
    let url: String
    let token: String
    let tls: Bool
    let ca: String?

    private init(process: Process, url: String, token: String, tls: Bool, ca: String?) {
        self.process = process
        self.url = url
        self.token = token
        self.tls = tls
        self.ca = ca
    }

    static func start(dharma: String, data: String, tls: Bool) async throws -> BenchServer {
        let port = try Benchmarks.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dharma)
        process.arguments = ["server", "--listen", "127.0.0.1:\(port)", "--data", data, "--rate-limit", "1000000000"] + (tls ? [] : ["--insecure-http"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Benchmarks.waitForPort(port)
        let token = try String(contentsOfFile: data + "/admin-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return BenchServer(
            process: process, url: "\(tls ? "https" : "http")://127.0.0.1:\(port)", token: token, tls: tls, ca: tls ? data + "/tls/ca/ca.pem" : nil)
    }

    /// Organisation `bench`, stack `bench.default` with the blueprint, and `runs` plan-only runs.
    func seed(blueprint: String, runs: Int) async throws {
        let client = try RemoteClient(profile: RemoteProfile(server: url, token: token, ca: ca))
        do {
            let api = client.api
            _ = try await api.createOrganisation(body: .json(.init(name: "bench"))).created
            _ = try await api.createProject(path: .init(org: "bench"), body: .json(.init(name: "bench"))).created
            _ = try await api.createStack(path: .init(org: "bench"), body: .json(.init(project: "bench", name: "bench", environment: "default"))).created
            _ = try await api.uploadBlueprint(path: .init(org: "bench", stack: "bench.default"), body: .yaml(HTTPBody(blueprint))).created
            var last = ""
            for _ in 0..<runs {
                last = try await api.createRun(path: .init(org: "bench", stack: "bench.default"), body: .json(.init(kind: .planOnly))).created.body.json.id
            }
            // The runs execute in the server's workers: measure only once the queue is empty,
            // or the figures are of a server busy planning.
            try await waitUntilFinished(run: last, api: api)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func waitUntilFinished(run: String, api: DharmaAPI.Client) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            let state = try await api.getRun(path: .init(org: "bench", run: run)).ok.body.json.state
            if RemoteStackService.isFinal(state) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchmarkError("the seeded runs did not finish within 10 minutes (last run \(run))")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// wrk, and what its `--latency` report says.
enum Wrk {
    struct Result {
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        var errors: Int
    }

    /// Runs wrk without blocking one of Swift concurrency's few threads (the hello-world server
    /// in this process answers on them): its output goes to a file, read once it exits.
    static func run(
        url: String, connections: Int, seconds: Int, token: String?, postFile: String?, scratch: String, headers: [String] = []
    ) async throws -> Result {
        var arguments = ["wrk", "-t\(min(2, connections))", "-c\(connections)", "-d\(seconds)s", "--latency"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { arguments += ["-H", header] }
        if let postFile {
            let script = scratch + "/post.lua"
            try """
            wrk.method = "POST"
            local file = io.open("\(postFile)", "r")
            wrk.body = file:read("*a")
            file:close()
            wrk.headers["Content-Type"] = "application/yaml"
            """.write(toFile: script, atomically: true, encoding: .utf8)
            arguments += ["-s", script]
        }
        arguments.append(url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let outputPath = scratch + "/wrk-\(UUID().uuidString).txt"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume() }
        }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0, let rate = number(after: "Requests/sec:", in: text) else {
            throw BenchmarkError("wrk failed on \(url) (is Debian's wrk installed?):\n\(text)")
        }
        let errors =
            (text.range(of: "Non-2xx or 3xx responses:").map { Int(text[$0.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)) ?? 0 }
                ?? 0)
            + (text.contains("Socket errors") ? 1 : 0)
        return Result(
            requestsPerSecond: rate, p50: latency(after: "50%", in: text) ?? .nan, p99: latency(after: "99%", in: text) ?? .nan, errors: errors)
    }

    static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces))
    }

    /// A latency in milliseconds from a line such as `99%    7.10ms`.
    static func latency(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: "\(label) ") else { return nil }
        let value = text[range.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where value.hasSuffix(unit) {
            return Double(value.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }
}

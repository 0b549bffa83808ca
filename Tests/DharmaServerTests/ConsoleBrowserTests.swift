import DharmaInsight
import DharmaPolicy
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaConsole

/// The web console in a real browser (Debian's chromium, driven by Selenium) against a real
/// `dharma server` over TLS: an operator queues a run that waits for approval, an approver
/// approves it and watches it apply, a viewer finds no buttons and is refused when forging a
/// POST, and a POST without the session's CSRF token is refused.
@Suite("Server: web console in a browser", .serialized)
struct ConsoleBrowserTests {
    static let password = "correct horse battery staple"

    struct Seen: Decodable {
        struct Cookie: Decodable {
            var secure: Bool?
            var httpOnly: Bool?
            var sameSite: String?
        }
        struct Post: Decodable {
            var status: Int
            var refusal: Bool?
            var csrf: Bool?
        }
        var pages: [String: Int]
        var cookie: Cookie
        var operatorStackButtons: [String]
        var operatorRunButtons: [String]
        var liveMessages: Int
        var planChanges: [String]
        var queue: [String]
        var runPath: String?
        var states: [String]
        var log: String
        var viewerRunButtons: [String]
        var viewerStackButtons: [String]
        var stackRows: [String]
        var graphNodes: Int
        var resources: [String]
        struct Tamper: Decodable {
            var honest: Bool
            var tampered: Bool
        }
        var auditActions: [String]
        var verdict: String
        var tamperedVerifies: Tamper
        var viewerPost: Post
        var noTokenPost: Post
        struct Evidence: Decodable {
            var status: Int
            var disposition: String
            var entries: Int
            var checkpoints: Int
        }
        var evidence: Evidence
        struct Compliance: Decodable {
            var title: String
            var controls: Int
            var statuses: [String]
            var current: String
        }
        var compliance: Compliance
        struct Metrics: Decodable {
            var charts: Int
            var bands: Int
            var anomalies: [String]
            var label: String
            var rows: [String]
        }
        var metrics: Metrics
        var metricsError: String
        struct Security: Decodable {
            var severities: [String: Int]
            var findings: [String]
            var denials: [String]
            var denialsHidden: Bool
        }
        var viewerSecurity: Security
        var adminSecurity: Security
        struct Executive: Decodable {
            var cost: String
            var charts: Int
            var rows: [String]
            var frameworks: [String]
        }
        var executive: Executive
        var versionChanges: [String]
        var driftBefore: String
        var driftAfter: String
        var listedStack: String
    }

    /// An hourly wave, a sample a minute for the last 1,000 minutes, with one spike 200 minutes
    /// ago, into the organisation's metrics store as OTLP ingest would put it.
    static func importWave(into server: ServerProcess) async throws -> Date {
        let now = Date().timeIntervalSince1970
        let start = (now / 60).rounded(.down) * 60 - 1000 * 60
        var csv = "timestamp,value\n"
        for minute in 0..<1000 {
            let wave = 40 + 10 * sin(Double(minute) * 2 * .pi / 60) + Double(minute * 7919 % 100) / 100
            csv += "\(Int(start) + minute * 60),\(minute == 800 ? 95 : wave)\n"
        }
        let file = Scratch.path("cpu", suffix: ".csv")
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await runDharma(["metrics", "import", file, "--name", "cpu", "--label", "resource=web", "--state", server.data + "/orgs/acme/dharma.db"])
        return Date(timeIntervalSince1970: start + 800 * 60)
    }

    @Test("operator queues, approver approves and sees it applied, viewer has no buttons and forged or token-less forms are refused")
    func signInApproveAndRefuse() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        _ = try await Tenants.make(on: server, blueprint: fileBlueprint(extra: "approvals: {required: 1, from: [approver-user]}\n"))
        for user in ["operator-user", "approver-user", "viewer-user", "admin-user"] {
            _ = try await runDharma(["server", "set-password", "--data", server.data, "--user", user], input: Self.password + "\n")
        }
        let spike = try await Self.importWave(into: server)
        let shots = TestPaths.repository + "/.build/console-screenshots"
        let script = TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/console_browser.py"
        let (status, output, errors) = try await Self.run(["python3", script, "--url", server.url, "--password", Self.password, "--shots", shots])
        try #require(status == 0, "the browser script failed:\n\(errors.suffix(3000))")
        let seen = try JSONDecoder().decode(Seen.self, from: Data(output.utf8))

        #expect(seen.cookie.secure == true && seen.cookie.httpOnly == true && seen.cookie.sameSite == "Strict", "\(seen.cookie)")
        #expect(seen.operatorStackButtons.contains("Plan and apply") && !seen.operatorStackButtons.contains("Destroy"), "\(seen.operatorStackButtons)")
        #expect(!seen.operatorRunButtons.contains("Approve"), "an operator may not approve: \(seen.operatorRunButtons)")
        let waitingRun = String(seen.runPath?.split(separator: "/").last ?? "")
        #expect(
            seen.queue.count == 1 && seen.queue[0].contains(waitingRun) && seen.queue[0].contains("needs_approval"),
            "the queue lists the run waiting for approval: \(seen.queue)")
        #expect(seen.liveMessages >= 1, "the run page followed the run over its WebSocket")
        #expect(
            seen.planChanges.count == 1 && seen.planChanges[0].contains("greeting") && seen.planChanges[0].contains("will be created")
                && seen.planChanges[0].contains("data/greeting.txt"), "the plan's diff: \(seen.planChanges)")
        #expect(seen.states.last == "applied", "the approver's page followed the run: \(seen.states)\n\(seen.log)")
        #expect(seen.log.contains("greeting"), "the log names the resource it applied")
        #expect(seen.viewerRunButtons.isEmpty && seen.viewerStackButtons.isEmpty, "\(seen.viewerRunButtons) \(seen.viewerStackButtons)")
        #expect(
            seen.stackRows.contains { $0.contains("shop.dev") && $0.contains("applied") && $0.contains("$0.00") },
            "the list shows the stack's last run and its cost: \(seen.stackRows)")
        #expect(seen.resources == ["greeting"] && seen.graphNodes == 1, "the stack page shows what the run recorded: \(seen.resources)")
        #expect(seen.auditActions.contains("apply") && seen.auditActions.contains("approve"), "\(seen.auditActions)")
        #expect(seen.verdict.hasPrefix("✓"), "the browser checked the newest entry's proof: \(seen.verdict)")
        #expect(seen.tamperedVerifies.honest && !seen.tamperedVerifies.tampered, "an entry changed by one character fails in the browser")
        #expect(seen.viewerPost.status == 403 && seen.viewerPost.refusal == true, "the server refuses the viewer's forged form: \(seen.viewerPost)")
        #expect(seen.noTokenPost.status == 403 && seen.noTokenPost.csrf == true, "\(seen.noTokenPost)")
        #expect(
            seen.evidence.status == 200 && seen.evidence.disposition.hasPrefix("attachment; filename=\"dharma-evidence-acme-")
                && seen.evidence.entries >= seen.auditActions.count && seen.evidence.checkpoints >= 1, "\(seen.evidence)")
        #expect(
            seen.compliance.current == "soc2" && seen.compliance.controls > 0 && !seen.compliance.statuses.isEmpty
                && seen.compliance.statuses.allSatisfy { ["pass", "fail", "not-applicable"].contains($0) }, "\(seen.compliance)")
        let minute = LineChartSVG.clock(Int64(spike.timeIntervalSince1970 * 1000))
        #expect(seen.metrics.charts == 1 && seen.metrics.bands == 1, "one series, with its forecast band: \(seen.metrics)")
        #expect(
            seen.metrics.anomalies.count == 1 && seen.metrics.anomalies[0].hasPrefix("anomaly at \(minute): 95"),
            "the spike at \(minute) is the one anomaly: \(seen.metrics.anomalies)")
        #expect(seen.metrics.label.contains("1000 samples") && seen.metrics.rows.count == 1, "\(seen.metrics.label) \(seen.metrics.rows)")
        #expect(seen.metricsError.contains("query"), "a query that does not parse says why: \(seen.metricsError)")
        #expect(
            seen.viewerSecurity.denialsHidden && seen.viewerSecurity.denials.isEmpty && !seen.viewerSecurity.findings.isEmpty
                && seen.viewerSecurity.findings.count == seen.viewerSecurity.severities.values.reduce(0, +),
            "a viewer sees the failed checks, not who was refused: \(seen.viewerSecurity)")
        #expect(
            seen.adminSecurity.findings.contains { $0.contains("DH-STACK-OWNER") && $0.contains("acme/shop.dev") },
            "the applied plan's failed checks, with the stack: \(seen.adminSecurity.findings)")
        #expect(
            !seen.adminSecurity.denialsHidden && seen.adminSecurity.denials.contains { $0.contains("viewer-user") && $0.contains("acme") },
            "the admin sees the viewer's refused form: \(seen.adminSecurity.denials)")
        #expect(
            seen.executive.cost == "$0.00" && seen.executive.charts == 2 && seen.executive.rows.count == 1
                && seen.executive.rows[0].contains("acme/shop.dev"), "cost and carbon trends, and the applied stack: \(seen.executive)")
        #expect(
            seen.executive.frameworks.count == Framework.allCases.count
                && seen.executive.frameworks.allSatisfy { $0.contains("%") && $0.contains("acme/shop.dev") && $0.hasSuffix(" 1") },
            "every framework's score over the one running stack: \(seen.executive.frameworks)")
        #expect(
            seen.versionChanges.count == 1 && seen.versionChanges[0].contains("greeting") && seen.versionChanges[0].contains("was created")
                && seen.versionChanges[0].contains("inputs.content"), "state version 1 created the greeting: \(seen.versionChanges)")
        #expect(seen.driftBefore == "not checked", "no check is not shown as in sync: \(seen.driftBefore)")
        #expect(seen.driftAfter.hasPrefix("in sync (1 checked)") && seen.driftAfter.contains("by admin-user"), "\(seen.driftAfter)")
        let health = seen.listedStack.split(separator: " ").compactMap { Int($0) }.first { (0...100).contains($0) && $0 > 1 }
        #expect(seen.listedStack.contains("in sync") && health != nil, "the list shows the check and the stack's health: \(seen.listedStack)")
        for (page, bytes) in seen.pages { #expect(bytes < 100_000, "\(page) is \(bytes) bytes of HTML") }
        for page in seen.pages.keys {
            for width in ["desktop", "phone"] {
                #expect(FileManager.default.fileExists(atPath: "\(shots)/\(page)-\(width).png"), "screenshot of \(page) at \(width) width")
            }
        }

        // A page of another site cannot open the run's socket with a visitor's cookie.
        let jar = Scratch.path("cookies", suffix: ".txt")
        _ = try await Self.run(["curl", "-sk", "-c", jar, "-d", "user=viewer-user&password=\(Self.password)", server.url + "/console/login"])
        let run = try #require(seen.runPath, "the run's page")
        func upgrade(origin: String) async throws -> String {
            try await Self.run([
                "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "-b", jar, "--max-time", "5", "-H", "Origin: \(origin)", "-H", "Connection: Upgrade",
                "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                server.url + run + "/live",
            ]).output
        }
        let foreign = try await upgrade(origin: "https://evil.example")
        #expect(foreign != "101" && foreign.hasPrefix("4"), "a foreign origin is not upgraded (\(foreign))")
        let own = try await upgrade(origin: server.url)
        #expect(own == "101", "the server's own pages may follow the run")

        // The refusals are on the server's audit log.
        let audit = try await runDharma(["audit", "log", "--state", server.data + "/server/dharma.db", "--json"])
        #expect(audit.contains("console-csrf-refused"), "the token-less form is audited")
    }

    @Test("a replica killed by a chaos experiment is an incident the stack's page lists, and its page follows it to resolved")
    func followAnIncident() async throws {
        let server = try await ServerProcess()
        defer {
            server.kill()
            killProcesses(under: server.data)
        }
        let blueprint = """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: svc, owner: storefront, labels: {tier: web}, budget: {monthly: 50}}
            target: {provider: local, region: local-1}
            resources:
              web:
                type: compute.service
                properties:
                  command: [dharma, workload, --port, "${self.port}"]
                  replicas: 1
                  health: {http: /healthz, timeout: 20s}
                  slo: {availability: 99.9%, latencyP99: 300ms}
            """
        try await server.withClient { admin in
            _ = try await admin.api.createOrganisation(body: .json(.init(name: "acme"))).created
            _ = try await admin.api.createProject(path: .init(org: "acme"), body: .json(.init(name: "web"))).created
            _ = try await admin.api.createStack(path: .init(org: "acme"), body: .json(.init(project: "web", name: "svc", environment: "default"))).created
            _ = try await admin.api.uploadBlueprint(path: .init(org: "acme", stack: "svc.default"), body: .yaml(.init(blueprint))).created
            let run = try await admin.api.createRun(path: .init(org: "acme", stack: "svc.default"), body: .json(.init(kind: .apply))).created.body.json
            _ = try await RunTests.waitForRun(run.id, to: [.applied], on: admin)
        }
        _ = try await runDharma(["server", "set-password", "--data", server.data, "--user", "admin"], input: Self.password + "\n")
        // A chaos experiment kills the replica, as a person would against the stack the server runs.
        let experiment = server.data + "/kill-web.yaml"
        try """
        apiVersion: dharma.dev/v3
        kind: Experiment
        metadata: {name: kill-web}
        blueprint: \(server.data)/orgs/acme/stacks/svc.default/blueprint-v1.yaml
        method:
          - fault: kill
            target: {resource: web, replica: 0}
            duration: 1s
        settle: 1s
        """.write(toFile: experiment, atomically: true, encoding: .utf8)
        let chaos = try await runDharmaStatus(["chaos", "run", experiment, "--state", server.data + "/orgs/acme/dharma.db"])
        #expect(chaos.status == 0 && chaos.stdout.contains("kill"), "\(chaos.stdout)\(chaos.stderr)")

        let script = TestPaths.repository + "/Tests/DharmaServerTests/Fixtures/console_incident.py"
        let shots = TestPaths.repository + "/.build/console-screenshots"
        let (status, output, errors) = try await Self.run([
            "python3", script, "--url", server.url, "--user", "admin", "--password", Self.password, "--stack", "svc.default", "--shots", shots,
        ])
        try #require(status == 0, "the browser script failed:\n\(errors.suffix(3000))")
        let seen = try JSONDecoder().decode([String: Value].self, from: Data(output.utf8))
        #expect(seen["listed"]?.text?.contains("web") == true, "the stack's page lists the incident: \(seen)")
        // The service's objectives, on the stack's page; its proxy has had no client yet.
        #expect(
            seen["serviceLevels"]?.texts == [
                "web 99.9% without a 5xx over 30 d no requests yet — 5 min — · 30 min — · 1 h — · 6 h —",
                "web 99% within 300 ms over 30 d no requests yet — 5 min — · 30 min — · 1 h — · 6 h —",
            ], "\(seen)")
        #expect(seen["statuses"]?.texts.last == "resolved", "the incident's page followed it: \(seen)")
        #expect(seen["timeline"]?.texts.contains { $0.contains("detected") } == true, "\(seen)")
        #expect(seen["mttr"]?.text?.hasSuffix(" s") == true, "the operations dashboard has a time to resolve: \(seen)")
        #expect(seen["operationsRows"]?.texts.contains { $0.contains("acme/svc.default") && $0.contains("100") } == true, "\(seen)")
        #expect(seen["myRuns"]?.texts.contains { $0.contains("apply") && $0.contains("applied") } == true, "\(seen)")
        #expect(seen["models"]?.texts.count == ModelCard.published.count, "every model's card: \(seen)")
        #expect(
            seen["remediations"]?.texts.contains { $0.hasPrefix("crash") && $0.contains("100 % of 1") } == true,
            "the one restart that healed the crash: \(seen)")
        #expect(seen["teams"]?.texts == ["storefront 1 $0.00 – $0.00"], "the owner's team, at the local provider's $0: \(seen)")
        #expect(seen["labels"]?.texts.first?.hasPrefix("tier=web 1") == true, "\(seen)")
        #expect(
            seen["burns"]?.texts.first?.contains("acme/svc.default storefront $50.00 $0.00") == true
                && seen["burns"]?.texts.first?.contains("within budget") == true, "the budget's burn and its forecast at the running rate: \(seen)")

        let destroyed = try await server.withClient { admin in
            try await RunTests.waitForRun(try await RunTests.queue(.destroy, "svc.default", on: admin).id, to: [.applied, .errored], on: admin)
        }
        #expect(destroyed.state == .applied, "the service is destroyed again")
    }

    /// The few shapes the browser scripts print.
    enum Value: Decodable {
        case text(String)
        case texts([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .texts(try container.decode([String].self)) }
        }

        var text: String? { if case .text(let text) = self { text } else { nil } }
        var texts: [String] { if case .texts(let texts) = self { texts } else { [] } }
    }

    /// Runs a program, its output and errors apart (Selenium writes warnings to standard error).
    /// It waits without holding one of Swift concurrency's few threads: a browser script runs
    /// for half a minute, and on two cores a blocked thread stalls every other test's requests
    /// until the servers' idle timeout closes their connections.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let outputPath = Scratch.path("browser-output", suffix: ".log")
        let errorsPath = Scratch.path("browser-errors", suffix: ".log")
        for path in [outputPath, errorsPath] { FileManager.default.createFile(atPath: path, contents: nil) }
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorsPath)
        process.standardInput = FileHandle.nullDevice
        try await process.startAndWait()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output, errors)
    }
}

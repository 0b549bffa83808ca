import DharmaTestKit
import Foundation
import Testing

@Suite("dharma up heals; incidents, incident and autopilot stats show it", .serialized)
struct AutopilotCLITests {
    @Test func aKilledReplicaIsRestartedByUpAndTheIncidentTellsTheStory() throws {
        let directory = scratchDirectory()
        try copyWebapp(to: directory)
        let environment = ["DHARMA_EXECUTABLE": TestPaths.dharma]
        let none = try dharma(["incidents", "-f", "webapp.yaml"], in: directory)
        #expect(none.status == 2 && none.stderr.contains("no state database"), "\(none.stderr)")

        let badNotify = try dharma(["up", "webapp.yaml", "--notify", "pagerduty=http://127.0.0.1:9/x"], in: directory)
        #expect(badNotify.status == 2 && badNotify.stderr.contains("set DHARMA_PAGERDUTY_ROUTING_KEY"), "\(badNotify.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/.dharma"), "a bad flag changes nothing")

        // The receiver fails the first delivery: it must be retried.
        let receiver = try HTTPReceiver(statuses: [500])
        let base = "http://127.0.0.1:\(receiver.port)"
        let out = Pipe()
        let up = try startDharma(
            [
                "up", "webapp.yaml", "--scrape-interval", "0", "--verify-window", "1",
                "--notify", "pagerduty=\(base)/v2/enqueue", "--notify", "opsgenie=\(base)", "--notify", "slack=\(base)/hooks/T0/B0",
            ],
            in: directory,
            environment: environment.merging(["DHARMA_PAGERDUTY_ROUTING_KEY": "R0UTING", "DHARMA_OPSGENIE_API_KEY": "g3nie"]) { $1 },
            output: out)
        defer { _ = try? dharma(["destroy", "webapp.yaml", "--auto-approve"], in: directory, environment: environment) }

        var pids: [Int] = []
        for _ in 0..<120 where pids.count < 2 {
            Thread.sleep(forTimeInterval: 0.5)
            let show = try? json(try dharma(["state", "show", "web", "-f", "webapp.yaml", "--json"], in: directory).stdout)
            pids = (show?["outputs"] as? [String: Any])?["pids"] as? [Int] ?? []
        }
        try #require(pids.count == 2)
        // One autopilot per stack: a second `up` and a game day refuse while this one runs.
        for second in [["up", "webapp.yaml"], ["chaos", "gameday", "webapp.yaml", "--faults", "1"]] {
            let refused = try dharma(second, in: directory, environment: environment)
            #expect(
                refused.status != 0 && refused.stderr.contains("the autopilot of webapp/default already runs (`dharma up`, pid \(up.processIdentifier)"),
                "\(second): \(refused.stderr)")
        }
        kill(Int32(pids[0]), SIGKILL)

        var incidents: [[String: Any]] = []
        for _ in 0..<120 where (incidents.first?["status"] as? String) != "resolved" {
            Thread.sleep(forTimeInterval: 0.5)
            incidents = (try? json(try dharma(["incidents", "-f", "webapp.yaml", "--json"], in: directory).stdout))?["incidents"] as? [[String: Any]] ?? []
        }
        up.interrupt()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        up.waitUntilExit()
        #expect(up.terminationStatus == 0)
        #expect(printed.contains("incident 1 opened (major): web: replica 0 of 2 not running"), "\(printed)")
        #expect(printed.contains("incident 1: restart web (attempt 1)"), "\(printed)")
        #expect(printed.contains("incident 1 resolved in"), "\(printed)")

        try #require(incidents.count == 1)
        #expect(incidents[0]["resource"] as? String == "web" && incidents[0]["symptom"] as? String == "crash")
        #expect(incidents[0]["attempts"] as? Int == 1 && incidents[0]["severity"] as? String == "major")

        let detail = try dharma(["incident", "1", "-f", "webapp.yaml"], in: directory)
        #expect(detail.status == 0)
        #expect(detail.stdout.contains("Incident 1 — resolved, major: web: replica 0 of 2 not running"), "\(detail.stdout)")
        #expect(detail.stdout.contains("remediation restart, 1 attempt"))
        for kind in ["detected", "action", "resolved"] { #expect(detail.stdout.contains(" \(kind) "), "\(detail.stdout)") }
        #expect(detail.stdout.contains("replica[0].process: pid \(pids[0]) running → not running"))
        let missing = try dharma(["incident", "42", "-f", "webapp.yaml"], in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("there is no incident 42"))

        let stats = try json(try dharma(["autopilot", "stats", "-f", "webapp.yaml", "--json"], in: directory).stdout)
        let rows = stats["remediations"] as? [[String: Any]] ?? []
        #expect(rows.count == 1 && rows.first?["action"] as? String == "restart" && rows.first?["successes"] as? Int == 1, "\(stats)")
        let table = try dharma(["autopilot", "stats", "-f", "webapp.yaml"], in: directory)
        #expect(table.stdout.contains("crash      restart          1         100 %"), "\(table.stdout)")

        let requests = receiver.requests
        let lines = requests.map { $0.head.split(separator: "\r\n").first.map(String.init) ?? "" }
        #expect(
            lines == [
                "POST /v2/enqueue HTTP/1.1", "POST /v2/enqueue HTTP/1.1", "POST /v2/alerts HTTP/1.1", "POST /hooks/T0/B0 HTTP/1.1",
                "POST /v2/enqueue HTTP/1.1", "POST /v2/alerts/dharma%2Fwebapp%2Fdefault%2Fincident%2F1/close?identifierType=alias HTTP/1.1",
                "POST /hooks/T0/B0 HTTP/1.1",
            ], "\(lines)")
        if requests.count == 7 {
            let trigger = try json(requests[1].body)
            #expect(trigger["routing_key"] as? String == "R0UTING" && trigger["event_action"] as? String == "trigger")
            #expect(trigger["dedup_key"] as? String == "dharma/webapp/default/incident/1")
            let payload = trigger["payload"] as? [String: Any] ?? [:]
            #expect(payload["severity"] as? String == "error" && payload["component"] as? String == "web", "\(payload)")
            #expect(requests[2].header("Authorization") == "GenieKey g3nie")
            #expect(try json(requests[2].body)["priority"] as? String == "P3")
            #expect((try json(requests[3].body)["text"] as? String)?.hasPrefix("[major] webapp/default: web: replica 0 of 2 not running") == true)
            let resolve = try json(requests[4].body)
            #expect(resolve["event_action"] as? String == "resolve" && resolve["dedup_key"] as? String == "dharma/webapp/default/incident/1")
            #expect((try json(requests[6].body)["text"] as? String)?.contains("[resolved]") == true)
        }

        let health = try dharma(["health", "webapp.yaml", "--json"], in: directory, environment: environment)
        let score = try json(health.stdout)["score"] as? Int
        #expect(health.status == 0 && score == 100, "\(health.stdout)\(health.stderr)")
        #expect(try dharma(["health", "webapp.yaml", "--min", "101"], in: directory, environment: environment).status == 3)

        let audit = try dharma(["audit", "log", "-f", "webapp.yaml", "--actor", "autopilot", "--json"], in: directory)
        let entries = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.compactMap { $0["action"] as? String } == ["incident-open", "remediate", "incident-resolve"], "\(audit.stdout)")
        #expect(try dharma(["audit", "verify", "-f", "webapp.yaml"], in: directory).status == 0)
    }
}

@Suite("Two projects side by side")
struct NeighbouringProjectsTests {
    @Test func stacksOfTheSameNameInTwoDirectoriesLeaveEachOthersProcessesAlone() throws {
        let environment = ["DHARMA_EXECUTABLE": TestPaths.dharma]
        let directories = [scratchDirectory(), scratchDirectory()]
        for directory in directories {
            try writeBlueprint(
                "app.yaml", in: directory, stack: "same",
                resources: """
                      web:
                        type: compute.service
                        properties:
                          command: [\(TestPaths.dharma), workload, --port, "${self.port}"]
                          health: {http: /healthz, timeout: 20s}
                    """)
            #expect(try dharma(["up", "app.yaml", "--once"], in: directory, environment: environment).status == 0)
        }
        defer { for directory in directories { _ = try? dharma(["destroy", "app.yaml", "--auto-approve"], in: directory, environment: environment) } }
        // Both keep their state in a relative .dharma: neither may see the other's replica as its own.
        for directory in directories {
            let plan = try dharma(["plan", "app.yaml"], in: directory, environment: environment)
            #expect(plan.status == 0 && plan.stdout.contains("No changes."), "\(plan.stdout)")
        }
    }
}

@Suite("dharma up: bad input")
struct UpInputTests {
    @Test func anAdvisoryFeedThatIsNotOSVStopsUpBeforeAnythingIsApplied() throws {
        let directory = scratchDirectory()
        try writeBlueprint("app.yaml", in: directory, stack: "feed", resources: "  f: {type: storage.file, properties: {path: f.txt}}")
        try #"[{"summary": "an advisory without its id"}]"#.write(toFile: directory + "/feed.json", atomically: true, encoding: .utf8)
        let bad = try dharma(["up", "app.yaml", "--advisories", "feed.json"], in: directory)
        #expect(bad.status == 2 && bad.stderr.contains("feed.json is not OSV JSON") && bad.stderr.contains("`id` missing"), "\(bad.stderr)")
        let missing = try dharma(["up", "app.yaml", "--advisories", "nowhere/"], in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("advisory feed nowhere/ does not exist"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/f.txt"))
    }

    @Test func approvingAnIncidentWithNothingToApproveIsRefused() throws {
        let directory = scratchDirectory()
        try writeBlueprint("app.yaml", in: directory, stack: "approve", resources: "  f: {type: storage.file, properties: {path: f.txt}}")
        #expect(try dharma(["apply", "app.yaml", "--auto-approve"], in: directory).status == 0)
        let none = try dharma(["incident", "1", "-f", "app.yaml", "--approve"], in: directory)
        #expect(none.status == 2 && none.stderr.contains("there is no incident 1"), "\(none.stderr)")
    }
}

import DharmaAutopilot
import DharmaCore
import DharmaNet
import DharmaStore
import DharmaTestSupport
import Foundation
import Testing

/// The policy gate on what the autopilot changes: a team rule in `policies/` beside the
/// blueprint, and the blueprint's `policy: {failOn: high}`.
@Suite("Autopilot: the policy gate", .serialized)
struct PolicyGateTests {
    func rule(_ id: String, kinds: String, assert: String, in project: ScratchProject) throws {
        try FileManager.default.createDirectory(atPath: project.directory + "/policies", withIntermediateDirectories: true)
        try """
        rules:
          - id: \(id)
            title: "Team limit"
            severity: high
            kinds: [\(kinds)]
            assert: '\(assert)'
            description: "What the team allows."
            remediation: "Ask the platform team."
        """.write(toFile: project.directory + "/policies/team.yaml", atomically: true, encoding: .utf8)
    }

    func ticks(
        _ autopilot: Autopilot, _ clock: ManualClock, max: Int, every: Duration = .milliseconds(500),
        until done: ([String]) -> Bool
    ) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<max where !done(lines) {
            try await Task.sleep(for: every)
            clock.advance(0.5)
            let report = await autopilot.tick()
            lines += report.lines + report.problems
        }
        return lines
    }

    @Test("a scale-out the gate refuses is not made: the incident is escalated, naming the rule")
    func scaleOutRefused() async throws {
        let project = try ScratchProject(
            blueprint(workloadService(extra: "heal: {scale: {cpu: 5%, min: 2, max: 4, scaleDownAfter: 0s}}")) + "\npolicy: {failOn: high}\n")
        try rule("TEAM-REPLICAS", kinds: "compute.service", assert: "replicas <= 2", in: project)
        try await project.apply()
        try await project.destroyingAfter {
            let clock = ManualClock()
            let autopilot = try project.autopilot(clock: clock, verifyWindow: 2)
            let state = try await project.engine.loadState(try project.prepare().stack)
            for port in (state.resources["web"]?.outputs["ports"]?.listValue ?? []).compactMap(\.intValue) {
                #expect(LoopbackHTTP.post(port: port, path: "/fault/cpu") == 200)
            }
            let lines = try await ticks(autopilot, clock, max: 60) { $0.contains { $0.contains("escalated") } }
            #expect(
                lines.contains { $0.hasPrefix("incident 1 escalated: the policy gate refused to scale web out to") && $0.contains("TEAM-REPLICAS on web") },
                "waited for the scale-out's refusal: \(lines)")
            #expect(try await project.pids(of: "web").count == 2)
            let incident = try #require(try await project.incidents().first)
            #expect(incident.status == .escalated && incident.attempts == 0)
            #expect(incident.timeline.contains { $0.text.contains("TEAM-REPLICAS") })
            let escalation = try #require(try await project.auditEntries().last { $0.action == "incident-escalate" })
            #expect(escalation.actor == "autopilot" && escalation.reason.contains("TEAM-REPLICAS"))
            #expect(!(try await project.auditEntries()).contains { $0.action == "remediate" })
        }
    }

    @Test("a blueprint change the gate refuses is not reconciled, and the refusal is said and recorded once")
    func reconcileRefused() async throws {
        func text(owner: String?, content: String) -> String {
            """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: gated\(owner.map { ", owner: \($0)" } ?? "")}
            target: {provider: local, region: local-1}
            policy: {failOn: high}
            resources:
              config: {type: storage.file, properties: {path: app.conf, content: "\(content)"}}
            """
        }
        let project = try ScratchProject(text(owner: "team-a", content: "port=80"))
        try rule("TEAM-OWNER", kinds: "stack", assert: "exists(owner)", in: project)
        try await project.apply()
        let autopilot = try project.autopilot(clock: ManualClock())
        try project.rewrite(text(owner: nil, content: "port=81"))
        let first = await autopilot.tick()
        #expect(
            first.problems.contains { $0.contains("the blueprint's changes are not applied: the policy gate refused them") && $0.contains("TEAM-OWNER") },
            "\(first.problems)")
        #expect(try String(contentsOfFile: project.directory + "/app.conf", encoding: .utf8) == "port=80")
        let second = await autopilot.tick()
        #expect(second.problems.isEmpty && second.lines.isEmpty, "said once: \(second)")
        #expect(try await project.auditEntries().filter { $0.action == "policy-refusal" }.count == 1)
        #expect(try await project.incidents().isEmpty)

        try project.rewrite(text(owner: "team-a", content: "port=81"))
        #expect(await autopilot.tick().lines == ["reconciled 1 change"])
        #expect(try String(contentsOfFile: project.directory + "/app.conf", encoding: .utf8) == "port=81")
        try await project.destroy()
    }
}

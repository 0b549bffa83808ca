import DharmaCore
import DharmaEngine
import DharmaProviders
import DharmaStore
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

@Suite("Engine: plan, apply, state", .serialized)
struct EngineTests {
    @Test("apply creates real files and processes; the next plan has no changes; drift is repaired")
    func applyPlanDriftRepair() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  db:
                    type: storage.file
                    properties: {path: data/db.json, content: "{}"}
                \(httpService)
                """))
        let report = try await project.apply()
        #expect(report.ok && report.succeeded.sorted() == ["db", "web"])
        #expect(try await project.plan().hasChanges == false)
        let state = try await project.engine.loadState(try project.prepare().stack)
        #expect(state.resources["web"]?.inputs["env"] == .map(["DB": "data/db.json"]))
        #expect(try await project.engine.store.versions(of: state.stack).count == 1)

        // Someone edits the file and kills a replica.
        try "{\"edited\": 1}".write(toFile: project.directory + "/data/db.json", atomically: false, encoding: .utf8)
        let pid = try #require(state.resources["web"]?.outputs["pids"]?.listValue?.first?.intValue)
        kill(Int32(pid), SIGKILL)
        try await Task.sleep(for: .milliseconds(200))
        ProcessTable.reapExitedChildren()

        let drifted = try await project.plan()
        #expect(drifted.changes.first { $0.resource == "db" }?.diff.map(\.attribute) == ["content"])
        #expect(drifted.changes.first { $0.resource == "web" }?.diff.map(\.attribute) == ["replica[0].process"])
        #expect(try await project.apply().ok)
        #expect(try String(contentsOfFile: project.directory + "/data/db.json", encoding: .utf8) == "{}")
        #expect(try await project.plan().hasChanges == false)

        try await project.destroy()
        #expect(try await project.engine.loadState(state.stack).resources.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/data/db.json"))

        // Every change is in the audit log, which verifies.
        let entries = try await project.auditEntries()
        #expect(entries.map(\.action) == ["apply", "apply", "destroy"])
        #expect(entries[1].resources == ["db", "web"])
        #expect(entries.allSatisfy { $0.stack == "test/default" && $0.planHash?.count == 64 })
        #expect(try await project.engine.audit?.verify().ok == true)
    }

    @Test("a saved destroy plan still applies when a resource it deletes drifted after it was made")
    func destroyPlanIgnoresDrift() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt, content: one}}
                  b: {type: storage.file, properties: {path: b.txt, content: one}}
                """))
        try await project.apply()
        let prepared = try project.prepare()
        let saved = try await project.engine.destroyPlan(prepared)
        // Drift appears between plan and apply (the way a certificate enters its renewal window).
        try "edited".write(toFile: project.directory + "/a.txt", atomically: false, encoding: .utf8)
        let report = try await project.engine.apply(saved, context: project.engine.context(for: prepared), operation: .destroy)
        #expect(Set(report.succeeded) == ["a", "b"] && report.failed.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/a.txt"))
        #expect(try await project.engine.loadState(prepared.stack).resources.isEmpty)
    }

    @Test("a saved plan is refused as stale when state or the world changed after it was made")
    func stalePlan() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt, content: one}}
                """))
        try await project.apply()
        try project.rewrite(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt, content: two}}
                """))
        let prepared = try project.prepare()
        let saved = try await project.plan()

        // The world changes: the file is edited outside Dharma.
        try "three".write(toFile: project.directory + "/a.txt", atomically: false, encoding: .utf8)
        await #expect {
            _ = try await project.engine.apply(saved, context: project.engine.context(for: prepared))
        } throws: { error in
            guard case EngineError.stalePlan(let message) = error else { return false }
            return message.contains("running resources changed")
        }
        #expect(try String(contentsOfFile: project.directory + "/a.txt", encoding: .utf8) == "three")

        // State changes: another apply ran in between.
        let fresh = try await project.plan()
        try await project.apply()
        await #expect {
            _ = try await project.engine.apply(fresh, context: project.engine.context(for: prepared))
        } throws: { error in
            guard case EngineError.stalePlan(let message) = error else { return false }
            return message.contains("state changed")
        }
    }

    @Test("a second concurrent apply fails at once, naming the holder")
    func lockContention() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt}}
                """))
        let prepared = try project.prepare()
        // A live process on this host holds the lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sleep")
        holder.arguments = ["30"]
        try holder.start()
        defer { holder.stop() }
        let lock = LockHolder(pid: holder.processIdentifier, host: LockHolder.current("x").host, operation: "apply", since: 0)
        _ = try await project.engine.store.lock(prepared.stack, as: lock)
        let plan = try await project.plan()
        let started = ContinuousClock.now
        await #expect {
            _ = try await project.engine.apply(plan, context: project.engine.context(for: prepared))
        } throws: { error in
            "\(error)".contains("locked by pid \(holder.processIdentifier)")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/a.txt"))
    }

    @Test("a failing resource stops new work, keeps what succeeded, and the next apply continues")
    func partialFailure() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt}}
                  b: {type: storage.file, properties: {path: b.txt, content: "${a.path}"}}
                  bad:
                    type: compute.service
                    properties: {command: [no-such-program-xyz], replicas: 1}
                    dependsOn: [b]
                  after:
                    type: storage.file
                    properties: {path: after.txt}
                    dependsOn: [bad]
                """), parallelism: 1)
        let report = try await project.apply()
        #expect(!report.ok)
        #expect(report.succeeded == ["a", "b"])
        #expect(report.failed.map(\.resource) == ["bad"])
        #expect(report.failed.first?.message.contains("no-such-program-xyz") == true)
        #expect(report.skipped == ["after"])
        let stack = try project.prepare().stack
        #expect(try await project.engine.loadState(stack).resources.keys.sorted() == ["a", "b"])

        try project.rewrite(
            blueprint(
                """
                  a: {type: storage.file, properties: {path: a.txt}}
                  b: {type: storage.file, properties: {path: b.txt, content: "${a.path}"}}
                  bad:
                    type: compute.service
                    properties: {command: [sleep, "30"], replicas: 1}
                    dependsOn: [b]
                  after:
                    type: storage.file
                    properties: {path: after.txt}
                    dependsOn: [bad]
                """))
        let plan = try await project.plan()
        #expect(plan.changes.filter { $0.action == .create }.map(\.resource) == ["bad", "after"])
        #expect(try await project.apply().ok)
        try await project.destroy()
    }

    @Test("apply is refused before anything changes when a provider cannot apply yet")
    func planOnlyProvider() async throws {
        let project = try ScratchProject(
            blueprint(
                """
                  f: {type: storage.file, properties: {path: f.txt}}
                  archive: {type: storage.bucket, provider: aws, properties: {versioning: true}}
                """))
        let plan = try await project.plan()
        #expect(plan.summary[.create] == 2)
        await #expect {
            try await project.apply()
        } throws: { error in
            "\(error)".contains("nothing was changed") && "\(error)".contains("aws")
        }
        #expect(!FileManager.default.fileExists(atPath: project.directory + "/f.txt"))
    }
}

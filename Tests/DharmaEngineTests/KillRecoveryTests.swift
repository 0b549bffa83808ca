import DharmaCore
import DharmaEngine
import DharmaProviders
import DharmaStore
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

/// `kill -9` of a real `dharma apply` in the middle of its work.
@Suite("Crash recovery", .serialized)
struct KillRecoveryTests {
    @Test("after kill -9 mid-apply, state is consistent, the next plan shows the truth, and apply finishes the job")
    func killNineDuringApply() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: TestPaths.dharma), "build the CLI first: swift build")
        var resources = ""
        for index in 0..<40 {
            resources += "  f\(index): {type: storage.file, properties: {path: \"files/\(index).txt\", content: \"file \(index)\"}}\n"
        }
        // A service that takes 3 minutes to become ready keeps the apply busy long enough to be
        // killed, however loaded the machine is (tests that block threads can hold this one back
        // for many seconds).
        let slow = """
              slow:
                type: compute.service
                properties:
                  command: [python3, -c, "import time, http.server, sys; time.sleep(180); http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=int(sys.argv[1]), bind='127.0.0.1')", "${self.port}"]
                  health: {http: /, timeout: 240s}
                  stopGracePeriod: 1s
            """
        let project = try ScratchProject(blueprint(resources + slow, name: "crash"))
        // Started like any other service instance; Foundation's Process is avoided because its
        // waitUntilExit does not return for a child killed with SIGKILL on this platform.
        let child = try ProcessLauncher.launch(
            executable: TestPaths.dharma, arguments: ["apply", project.blueprint, "--auto-approve", "--parallelism", "2"],
            environment: ProcessInfo.processInfo.environment, workingDirectory: project.directory, logPath: project.directory + "/apply.log")
        // Wait until the slow service's process exists, then kill the apply without warning.
        let prepared = try project.prepare()
        let marker = "\(Digest.fnv1a64Hex(Array((project.directory + "/.dharma").utf8)).prefix(8)):crash/default/slow"
        let deadline = ContinuousClock.now + .seconds(150)
        // (Version-manager shims may briefly run helpers that carry the marker too; wait for
        // the real program.)
        func instances() -> [Int32] {
            ProcessTable.processes(withEnvironment: "DHARMA_INSTANCE_OF", value: marker)
                .filter { ProcessTable.info($0)?.arguments.contains { $0.contains("http.server") } ?? false }
        }
        while instances().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))
        kill(child, SIGKILL)
        // Reaped through the shared reaper: an autopilot ticking in another test reaps the
        // children it launched too, so a waitpid of our own could find the child gone.
        var ending: ProcessEnding?
        for _ in 0..<500 where ending == nil {
            ProcessTable.reapExitedChildren()
            ending = ProcessTable.ending(of: child)
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(ending == .signalled(SIGKILL), "the apply should have died of SIGKILL, not \(String(describing: ending))")

        // State is readable and every recorded file really exists with the recorded content.
        let state = try await project.engine.loadState(prepared.stack)
        #expect(state.resources["slow"] == nil)
        for (name, resource) in state.resources {
            let path = try #require(resource.outputs["path"]?.stringValue)
            #expect(FileManager.default.fileExists(atPath: path), "\(name) recorded but missing")
        }
        let orphans = instances()
        #expect(orphans.count == 1)
        // The dead apply's lock is still there.
        #expect(try await project.engine.store.lockHolder(of: prepared.stack)?.pid == child)

        // The operator fixes the slow start-up; the service is still not recorded, so it is
        // still a create, and the lost instance of the old command must go.
        try project.rewrite(blueprint(resources + slow.replacingOccurrences(of: "time.sleep(180); ", with: ""), name: "crash"))

        // The next plan creates exactly what is not recorded.
        let plan = try await project.plan()
        #expect(plan.summary[.create] == 41 - state.resources.count)
        #expect(plan.summary[.noop] == state.resources.count)

        // The next apply breaks the dead lock, replaces the orphan, and converges.
        let report = try await project.apply()
        #expect(report.ok)
        let running = ProcessTable.processes(withEnvironment: "DHARMA_INSTANCE_OF", value: marker)
        #expect(running.count == 1)
        #expect(running != orphans)
        #expect(try await project.plan().hasChanges == false)
        // The killed apply logged nothing; the next one logged the lock break and its apply.
        #expect(try await project.auditEntries().map(\.action) == ["lock-break", "apply"])
        #expect(try await project.engine.audit?.verify().ok == true)
        try await project.destroy()
        #expect(ProcessTable.processes(withEnvironment: "DHARMA_INSTANCE_OF", value: marker).isEmpty)
    }
}

import DharmaCore
import DharmaTestKit
import DharmaTestSupport
import Foundation
import Testing

@testable import DharmaNet
@testable import DharmaProviders

/// Real processes: python's http.server stands in for any program with a port.
@Suite("Local provider: services", .serialized)
struct ServiceTests {
    let provider = LocalProvider()

    func httpServer(replicas: Int) -> DesiredResource {
        desired(
            "web", "compute.service",
            [
                "command": ["python3", "-m", "http.server", "${self.port}", "--bind", "127.0.0.1"],
                "replicas": .int(replicas), "health": ["http": "/", "timeout": "20s"], "stopGracePeriod": "2s",
            ])
    }

    @Test("replicas start on their own ports, answer, and are observed; kill and foreign args are drift")
    func lifecycle() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        let resource = httpServer(replicas: 2)
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let recorded = state(resource, outputs: outputs)
        let instances = ServiceInstance.all(in: outputs)
        #expect(instances.count == 2)
        #expect(Set(instances.map(\.port)).count == 2)
        for instance in instances {
            #expect(ReadinessProbe.httpStatus(port: instance.port, path: "/") == 200)
            #expect(ProcessTable.info(instance.pid)?.arguments.contains(String(instance.port)) == true)
        }
        // Two replicas run behind the proxy, whose address is the service's.
        let proxyPort = try #require(outputs["proxy"]?.mapValue?["port"]?.intValue)
        #expect(outputs["url"] == .string("http://127.0.0.1:\(proxyPort)") && !instances.map(\.port).contains(proxyPort))
        #expect(ReadinessProbe.httpStatus(port: proxyPort, path: "/") == 200)
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)

        // The recorded pid now runs something else than what was started: drift on the command.
        var foreign = instances
        foreign[0].arguments = ["python3", "-m", "http.server", "1"]
        let foreignDrift = try await provider.refresh(state(resource, outputs: ServiceInstance.outputs(foreign)), context: ctx).drift
        #expect(foreignDrift.map(\.attribute) == ["replica[0].command"])
        #expect(foreignDrift.first?.new?.listValue?.contains(.string(String(instances[0].port))) == true)

        kill(instances[1].pid, SIGKILL)
        try await Task.sleep(for: .milliseconds(200))
        ProcessTable.reapExitedChildren()
        let drift = try await provider.refresh(recorded, context: ctx).drift
        #expect(drift.map(\.attribute) == ["replica[1].process"])
        #expect(drift.first?.new == "not running (killed by SIGKILL)", "this process launched it, so it knows how it ended")

        // Repair keeps the healthy replica and its pid, restarts the dead one on the same port.
        let repaired = ServiceInstance.all(in: try await provider.apply(resource, prior: recorded, context: ctx))
        #expect(repaired[0].pid == instances[0].pid)
        #expect(repaired[1].pid != instances[1].pid)
        #expect(repaired[1].port == instances[1].port)
        let repairedState = state(resource, outputs: ServiceInstance.outputs(repaired))
        #expect(try await provider.refresh(repairedState, context: ctx).drift.isEmpty)

        try await provider.delete(repairedState, context: ctx)
        for instance in repaired { #expect(!ProcessStopper.isSame(instance.pid, instance.startTicks)) }
    }

    @Test("an instance that was started but never recorded is found and cleaned up")
    func orphans() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory, stack: "orphans")
        let resource = httpServer(replicas: 1)
        // Simulate an apply killed after spawning: the process runs, state knows nothing of it.
        let lost = ServiceInstance.all(in: try await provider.apply(resource, prior: nil, context: ctx))[0]
        let emptyRecord = state(resource, outputs: ServiceInstance.outputs([]))
        let drift = try await provider.refresh(emptyRecord, context: ctx).drift
        #expect(drift.contains { $0.attribute == "unrecorded process" && $0.new == .string("pid \(lost.pid)") })

        let fresh = ServiceInstance.all(in: try await provider.apply(resource, prior: nil, context: ctx))
        #expect(!ProcessStopper.isSame(lost.pid, lost.startTicks))
        #expect(fresh.count == 1)
        try await provider.delete(state(resource, outputs: ServiceInstance.outputs(fresh)), context: ctx)
    }

    @Test("behind the proxy, a changed definition replaces every replica without one failed request")
    func rollingReplacement() async throws {
        let ctx = context(temporaryDirectory())
        let workload = { (version: String) in
            desired(
                "web", "compute.service",
                [
                    "command": .list([.string(TestPaths.dharma), "workload", "--port", "${self.port}"]), "replicas": 2,
                    "env": ["VERSION": .string(version)], "health": ["http": "/healthz", "timeout": "20s"], "stopGracePeriod": "5s",
                ])
        }
        let first = try await provider.apply(workload("1"), prior: nil, context: ctx)
        let proxyPort = try #require(first["proxy"]?.mapValue?["port"]?.intValue)
        let load = LoadGenerator(ports: [proxyPort], pause: 0)
        load.start()
        let second = try await provider.apply(workload("2"), prior: state(workload("1"), outputs: first), context: ctx)
        let (answered, failed) = load.stop()
        #expect(answered > 20 && failed == 0, "\(answered) answered, \(failed) failed during the replacement")
        #expect(second["proxy"]?.mapValue?["port"]?.intValue == proxyPort, "clients keep their address")
        let before = ServiceInstance.all(in: first), after = ServiceInstance.all(in: second)
        #expect(before.allSatisfy { !ProcessStopper.isSame($0.pid, $0.startTicks) } && after.allSatisfy(\.isRunning))
        try await provider.delete(state(workload("2"), outputs: second), context: ctx)
        #expect(!ReadinessProbe.tcpAccepts(port: proxyPort, timeout: 0.3), "the proxy goes with the service")
    }

    @Test("a graceful restart of one replica keeps its port, so nothing that refers to the service changes")
    func restartKeepsThePort() async throws {
        let ctx = context(temporaryDirectory())
        for replicas in [1, 2] {
            let resource = desired(
                "api", "compute.service",
                [
                    "command": .list([.string(TestPaths.dharma), "workload", "--port", "${self.port}"]), "replicas": .int(replicas),
                    "health": ["http": "/healthz", "timeout": "20s"], "stopGracePeriod": "2s",
                ])
            let first = try await provider.apply(resource, prior: nil, context: ctx)
            #expect(LoopbackHTTP.post(port: ServiceInstance.all(in: first)[0].port, path: "/fault/hang?on=1") == 200)
            let second = try await provider.restartReplica(0, of: state(resource, outputs: first), drain: false, context: ctx)
            let before = ServiceInstance.all(in: first), after = ServiceInstance.all(in: second)
            #expect(after.map(\.port) == before.map(\.port), "\(replicas) replica(s)")
            #expect(after[0].pid != before[0].pid && !ProcessStopper.isSame(before[0].pid, before[0].startTicks))
            #expect(second["url"] == first["url"])
            try await provider.delete(state(resource, outputs: second), context: ctx)
        }
    }

    @Test("a program that exits during start-up fails the apply with its log")
    func failingStart() async throws {
        let directory = temporaryDirectory()
        let resource = desired(
            "bad", "compute.service",
            [
                "command": ["python3", "-c", "import sys; print('boom: missing config'); sys.exit(3)"],
                "health": ["tcp": .bool(true), "timeout": "10s"],
            ])
        do {
            _ = try await provider.apply(resource, prior: nil, context: context(directory))
            Issue.record("a crashing program was reported as started")
        } catch let error as ProviderError {
            #expect(error.message.contains("exited during start-up"))
            #expect(error.message.contains("boom: missing config"))
        }
    }

    @Test("a fixed port another program listens on is refused before anything starts, proxied or not")
    func fixedPortTaken() async throws {
        let ctx = context(temporaryDirectory())
        let port = try #require(PortAllocator.freePort())
        let holder = try LoopbackSocket.listen(port: port)
        defer { close(holder) }
        for replicas in [1, 2] {
            var resource = httpServer(replicas: replicas)
            resource.inputs["port"] = .int(port)
            do {
                _ = try await provider.apply(resource, prior: nil, context: ctx)
                Issue.record("the apply succeeded although another program holds port \(port)")
            } catch let error as ProviderError {
                #expect(error.message == "port \(port) on 127.0.0.1 is taken by another program; set `port` to a free one")
            }
            let marker = ServiceSpec.marker(stack: ctx.stack, resource: "web", stateDirectory: ctx.stateDirectory)
            #expect(ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).isEmpty, "no replica left running")
            try await provider.delete(state(resource, outputs: [:]), context: ctx)
        }
    }

    @Test("a port another program takes after the start is not mistaken for the replica answering")
    func portTakenAfterStart() async throws {
        let ctx = context(temporaryDirectory())
        let port = try #require(PortAllocator.freePort())
        // The replica never listens; once it runs, this test takes the port, so the readiness
        // check gets an answer, from the wrong program.
        let resource = desired(
            "web", "compute.service",
            [
                "command": ["python3", "-c", "import time; time.sleep(60)"], "port": .int(port),
                "health": ["tcp": .bool(true), "timeout": "20s"],
            ])
        let marker = ServiceSpec.marker(stack: ctx.stack, resource: "web", stateDirectory: ctx.stateDirectory)
        let apply = Task { try await provider.apply(resource, prior: nil, context: ctx) }
        var waited = 0
        while ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).isEmpty, waited < 200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        let holder = try LoopbackSocket.listen(port: port)
        defer { close(holder) }
        do {
            _ = try await apply.value
            Issue.record("the apply took another program's answer on port \(port) for the replica's")
        } catch let error as ProviderError {
            #expect(error.message.hasPrefix("port \(port) answers, but not from replica 0"), "\(error.message)")
        }
        #expect(ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).isEmpty, "the replica was stopped")
    }

    @Test("a replica whose listener is a program it started in the background counts as answering")
    func backgroundListener() async throws {
        let ctx = context(temporaryDirectory())
        // The subshell exits at once, so the listening python is no child of the replica's
        // process; it still carries the replica's marker in its environment.
        let resource = desired(
            "web", "compute.service",
            [
                "command": ["sh", "-c", "(python3 -m http.server ${self.port} --bind 127.0.0.1 &); exec sleep 60"],
                "health": ["http": "/", "timeout": "20s"], "stopGracePeriod": "2s",
            ])
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let instance = try #require(ServiceInstance.all(in: outputs).first)
        #expect(ReadinessProbe.httpStatus(port: instance.port, path: "/") == 200)
        try await provider.delete(state(resource, outputs: outputs), context: ctx)
        let marker = ServiceSpec.marker(stack: ctx.stack, resource: "web", stateDirectory: ctx.stateDirectory)
        #expect(ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).isEmpty, "the background listener is stopped too")
    }

    @Test("processes a replica starts are part of it: no drift, and a re-apply leaves them; a stray with the marker is not")
    func replicaChildren() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        // The shell becomes `sleep`, whose child is the listening python, in the replica's session.
        let resource = desired(
            "web", "compute.service",
            [
                "command": ["sh", "-c", "python3 -m http.server ${self.port} --bind 127.0.0.1 & exec sleep 60"],
                "health": ["http": "/", "timeout": "20s"], "stopGracePeriod": "2s",
            ])
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let recorded = state(resource, outputs: outputs)
        let instance = try #require(ServiceInstance.all(in: outputs).first)
        let marker = ServiceSpec.marker(stack: ctx.stack, resource: "web", stateDirectory: ctx.stateDirectory)
        let children = ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).filter { $0 != instance.pid }
        #expect(children.count == 1, "the listening python")
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)
        let again = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(ServiceInstance.all(in: again).first?.pid == instance.pid)
        #expect(children.allSatisfy { ProcessTable.info($0).map { !$0.isZombie } == true }, "a re-apply stops no process of a kept replica")
        #expect(ReadinessProbe.httpStatus(port: instance.port, path: "/") == 200)

        // A process with the marker in a session of its own is what an apply killed between
        // start and record leaves: it is drift, and the next apply stops it.
        let stray = try ProcessLauncher.launch(
            executable: "/bin/sleep", arguments: ["60"],
            environment: [ServiceSpec.markerKey: marker, ServiceSpec.replicaKey: "0"],
            workingDirectory: directory, logPath: directory + "/stray.log")
        // posix_spawn returns once the child releases our memory, partway through its exec;
        // its environment is readable a moment later.
        let deadline = ContinuousClock.now + .seconds(10)
        while !ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).contains(stray), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let strayDrift = try await provider.refresh(recorded, context: ctx).drift
        #expect(strayDrift.map(\.new) == [.string("pid \(stray)")], "\(strayDrift)")
        let cleaned = try await provider.apply(resource, prior: recorded, context: ctx)
        ProcessTable.reapExitedChildren()
        #expect(!ProcessStopper.isSame(stray, nil), "the stray was stopped")
        #expect(ServiceInstance.all(in: cleaned).first?.pid == instance.pid)
        try await provider.delete(state(resource, outputs: cleaned), context: ctx)
        #expect(ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker).isEmpty)
    }

    @Test("a proxy that cannot listen fails the apply with its log, not a success")
    func proxyCannotListen() async throws {
        let ctx = context(temporaryDirectory())
        let port = try #require(PortAllocator.freePort())
        // Bound but not listening: nothing accepts there, yet the proxy cannot bind it.
        let holder = try #require(Self.bindWithoutListening(port))
        defer { close(holder) }
        var resource = httpServer(replicas: 2)
        resource.inputs["port"] = .int(port)
        do {
            _ = try await provider.apply(resource, prior: nil, context: ctx)
            Issue.record("the apply succeeded although the proxy could not listen on \(port)")
        } catch let error as ProviderError {
            #expect(error.message.contains("the proxy exited during start-up three times"), "\(error.message)")
            #expect(error.message.contains("cannot listen on 127.0.0.1:\(port)"), "the proxy's log says why: \(error.message)")
        }
        try await provider.delete(state(resource, outputs: [:]), context: ctx)
        #expect(ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: ServiceProxy.marker(try ServiceSpec(resource, context: ctx))).isEmpty)
    }

    private static func bindWithoutListening(_ port: Int) -> Int32? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        var address = LoopbackSocket.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(socket); return nil }
        return socket
    }

    @Test("an unknown program is a clear error")
    func unknownProgram() async {
        let resource = desired("x", "compute.service", ["command": ["no-such-program-dharma"]])
        await #expect(throws: ProviderError.self) {
            _ = try await provider.apply(resource, prior: nil, context: context(temporaryDirectory()))
        }
    }
}

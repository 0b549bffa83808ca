import DharmaCore
import DharmaNet
import DharmaProxy
import Foundation

/// `compute.service` on the local provider: replicas as real child processes, each in its own
/// session, with a port, a log file, a readiness check and a graceful stop.
///
/// Every instance carries `DHARMA_INSTANCE_OF` in its environment, so an instance started by
/// an apply that was killed before it could record it is still found, and cleaned up.
struct ServiceResource {
    /// Overrides what the program name `dharma` in a command means (tests point it at the
    /// freshly built binary; by default it is the running executable).
    static let executableOverrideVariable = "DHARMA_EXECUTABLE"

    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value] {
        let spec = try ServiceSpec(resource, context: context)
        let previous = prior.map { ServiceInstance.all(in: $0.outputs) } ?? []
        let priorProxy = ServiceProxy(prior?.outputs["proxy"])
        let sameDefinition = prior.map { ServiceSpec.runtimeInputs($0.inputs) == ServiceSpec.runtimeInputs(resource.inputs) } ?? false
        let proxyPort = spec.proxied ? try Self.proxyPort(spec, prior: priorProxy, avoiding: Set(previous.map(\.port))) : nil

        var kept: [ServiceInstance] = []
        var retired: [ServiceInstance] = []
        for instance in previous {
            if sameDefinition && instance.isRunning && instance.index < spec.replicas && instance.port != proxyPort {
                kept.append(instance)
            } else {
                retired.append(instance)
            }
        }
        // Behind a proxy, replaced replicas keep serving until their successors are ready,
        // then drain; without one, replicas own fixed ports, so the old must stop first.
        let draining = spec.proxied ? retired.filter { $0.isRunning && $0.port != proxyPort } : []
        let stopNow = retired.filter { !draining.contains($0) }
        let orphans = ServiceSpec.strays(marker: spec.marker, recorded: Set(previous.map(\.pid)))
        for instance in stopNow { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: spec.grace) }
        for pid in orphans { await ProcessStopper.stop(pid: pid, startTicks: nil, grace: spec.grace) }

        var taken = Set((kept + draining).map(\.port))
        if let proxyPort {
            if !(priorProxy.map { $0.isRunning && $0.port == proxyPort } ?? false) {
                await ServiceProxy.stopAll(spec, prior: priorProxy)
                guard await ReadinessProbe.portFrees(proxyPort) else { throw ProviderError.portTaken(proxyPort, resource: spec.name) }
            }
            taken.insert(proxyPort)
        }
        let started = try await startReplicas(spec, missingFrom: kept, previous: previous, taken: taken, context: context)
        let running = kept + started
        guard let proxyPort else {
            if let priorProxy { await priorProxy.stop() }
            return ServiceInstance.outputs(running)
        }
        let backends =
            running.map { ProxyConfig.Backend(port: $0.port, replica: $0.index) }
            + spec.backupPorts.map { ProxyConfig.Backend(port: $0, backup: true) }
        let leaving = draining.map { ProxyConfig.Backend(port: $0.port, replica: $0.index, draining: true) }
        let proxy: ServiceProxy
        do {
            proxy = try await ServiceProxy.ensure(spec, prior: priorProxy, port: proxyPort, backends: backends + leaving, context: context)
        } catch {
            for instance in started { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: 1) }
            throw error
        }
        if !draining.isEmpty {
            try await proxy.drain(Set(draining.map(\.port)), keeping: backends + leaving, spec: spec, timeout: spec.grace)
            for instance in draining { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: spec.grace) }
            try ServiceProxy.publish(backends, spec: spec, path: proxy.configPath)
        }
        return ServiceInstance.outputs(running, proxy: proxy)
    }

    /// Restarts one replica gracefully: behind a proxy it is drained first and put back once
    /// healthy; the others keep serving throughout.
    func restartReplica(_ replica: Int, of state: ResourceState, drain: Bool, context: ProviderContext) async throws -> [String: Value] {
        let resource = DesiredResource(
            name: state.name, type: state.type, provider: state.provider, region: state.region, inputs: state.inputs,
            dependencies: state.dependencies, lifecycle: state.lifecycle, tags: [:])
        let spec = try ServiceSpec(resource, context: context)
        let instances = ServiceInstance.all(in: state.outputs)
        guard let old = instances.first(where: { $0.index == replica }) else {
            throw ProviderError(
                resource: state.name, "there is no replica \(replica) (replicas: \(instances.map { String($0.index) }.joined(separator: ", ")))")
        }
        let others = instances.filter { $0.index != replica }
        let proxy = ServiceProxy(state.outputs["proxy"])
        let backends = { (running: [ServiceInstance]) in
            running.map { ProxyConfig.Backend(port: $0.port, replica: $0.index) } + spec.backupPorts.map { ProxyConfig.Backend(port: $0, backup: true) }
        }
        if let proxy, proxy.isRunning {
            try await proxy.drain([old.port], keeping: backends(instances), spec: spec, timeout: drain ? spec.grace : 0)
        }
        await ProcessStopper.stop(pid: old.pid, startTicks: old.startTicks, grace: spec.grace)
        var taken = Set(others.map(\.port))
        if let proxy { taken.insert(proxy.port) }
        let started = try await startReplicas(spec, missingFrom: others, previous: instances, taken: taken, context: context)
        let running = (others + started).sorted { $0.index < $1.index }
        if let proxy { try ServiceProxy.publish(backends(running), spec: spec, path: proxy.configPath) }
        return ServiceInstance.outputs(running, proxy: proxy)
    }

    /// Starts the replicas `kept` lacks and waits until all are ready; stops them all if one
    /// fails, so a failed apply leaves what ran before.
    private func startReplicas(
        _ spec: ServiceSpec, missingFrom kept: [ServiceInstance], previous: [ServiceInstance], taken: Set<Int>,
        context: ProviderContext
    ) async throws -> [ServiceInstance] {
        var started: [ServiceInstance] = []
        var taken = taken
        let previousPorts = Dictionary(previous.map { ($0.index, $0.port) }, uniquingKeysWith: { first, _ in first })
        for index in 0..<spec.replicas where !kept.contains(where: { $0.index == index }) {
            let port: Int
            if let fixed = spec.fixedPort, !spec.proxied {
                port = fixed + index
                // Else the health check would be answered by whoever holds it, and the
                // replica, unable to listen, would be recorded as ready.
                guard await ReadinessProbe.portFrees(port) else {
                    for instance in started { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: 1) }
                    throw ProviderError.portTaken(port, resource: spec.name)
                }
            } else if let reused = previousPorts[index], !taken.contains(reused), await ReadinessProbe.portFrees(reused) {
                port = reused
            } else if let free = PortAllocator.freePort(avoiding: taken) {
                port = free
            } else {
                throw ProviderError(resource: spec.name, "no free loopback port left")
            }
            taken.insert(port)
            do {
                started.append(try spec.launch(index: index, port: port, context: context))
            } catch {
                for instance in started { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: 1) }
                throw error
            }
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for instance in started { group.addTask { try await spec.waitUntilReady(instance, context: context) } }
                try await group.waitForAll()
            }
        } catch {
            for instance in started { await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: 1) }
            throw error
        }
        // Record the command line the kernel reports once the instance is ready: wrappers such
        // as version-manager shims exec the real program, and drift compares against that.
        return started.map { instance in
            var instance = instance
            if let arguments = ProcessTable.info(instance.pid)?.arguments, !arguments.isEmpty { instance.arguments = arguments }
            return instance
        }
    }

    /// The proxy keeps its port for the life of the service: the fixed `port`, or the one it
    /// had, or a free one.
    private static func proxyPort(_ spec: ServiceSpec, prior: ServiceProxy?, avoiding: Set<Int>) throws -> Int {
        if let fixed = spec.fixedPort { return fixed }
        if let prior { return prior.port }
        guard let free = PortAllocator.freePort(avoiding: avoiding) else {
            throw ProviderError(resource: spec.name, "no free loopback port left for the proxy")
        }
        return free
    }

    func refresh(_ state: ResourceState, context: ProviderContext) -> Observation {
        let instances = ServiceInstance.all(in: state.outputs)
        var drift: [AttributeDiff] = []
        for instance in instances {
            let label = "replica[\(instance.index)]"
            guard let info = ProcessTable.info(instance.pid), !info.isZombie, info.startTicks == instance.startTicks else {
                let how = ProcessTable.ending(of: instance.pid).map { " (\($0))" } ?? ""
                drift.append(AttributeDiff(attribute: "\(label).process", old: .string("pid \(instance.pid) running"), new: .string("not running\(how)")))
                continue
            }
            if info.arguments != instance.arguments {
                drift.append(
                    AttributeDiff(
                        attribute: "\(label).command", old: .list(instance.arguments.map(Value.string)),
                        new: .list(info.arguments.map(Value.string))))
            }
        }
        if let proxy = ServiceProxy(state.outputs["proxy"]), !proxy.isRunning {
            let how = ProcessTable.ending(of: proxy.pid).map { " (\($0))" } ?? ""
            drift.append(AttributeDiff(attribute: "proxy.process", old: .string("pid \(proxy.pid) running"), new: .string("not running\(how)")))
        }
        let wanted = state.inputs["replicas"]?.intValue ?? 1
        if instances.count != wanted {
            drift.append(AttributeDiff(attribute: "replicas", old: .int(wanted), new: .int(instances.count)))
        }
        let marker = ServiceSpec.marker(stack: context.stack, resource: state.name, stateDirectory: context.stateDirectory)
        for pid in ServiceSpec.strays(marker: marker, recorded: Set(instances.map(\.pid))) {
            drift.append(AttributeDiff(attribute: "unrecorded process", old: nil, new: .string("pid \(pid)")))
        }
        return Observation(exists: true, drift: drift)
    }

    func delete(_ state: ResourceState, context: ProviderContext) async {
        let grace = Units.seconds(state.inputs["stopGracePeriod"] ?? .string("10s")) ?? 10
        for instance in ServiceInstance.all(in: state.outputs) {
            await ProcessStopper.stop(pid: instance.pid, startTicks: instance.startTicks, grace: grace)
        }
        let marker = ServiceSpec.marker(stack: context.stack, resource: state.name, stateDirectory: context.stateDirectory)
        for pid in ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker) {
            await ProcessStopper.stop(pid: pid, startTicks: nil, grace: grace)
        }
        if let proxy = ServiceProxy(state.outputs["proxy"]) {
            await proxy.stop()
            try? FileManager.default.removeItem(atPath: proxy.configPath)
        }
        for pid in ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker + "#proxy") {
            await ProcessStopper.stop(pid: pid, startTicks: nil, grace: 2)
        }
    }
}

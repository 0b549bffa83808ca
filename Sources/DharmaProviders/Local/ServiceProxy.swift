import DharmaCore
import DharmaNet
import DharmaProxy
import Foundation

/// The `dharma proxy` process in front of a proxied `compute.service`, as recorded in its
/// outputs under `proxy`. Clients use its port; replicas come and go behind it.
struct ServiceProxy: Sendable, Hashable {
    var pid: Int32
    var port: Int
    var adminPort: Int
    var startTicks: UInt64
    var configPath: String

    var value: Value {
        .map([
            "pid": .int(Int(pid)), "port": .int(port), "adminPort": .int(adminPort), "start": .string(String(startTicks)),
            "config": .string(configPath),
        ])
    }

    init(pid: Int32, port: Int, adminPort: Int, startTicks: UInt64, configPath: String) {
        self.pid = pid
        self.port = port
        self.adminPort = adminPort
        self.startTicks = startTicks
        self.configPath = configPath
    }

    init?(_ value: Value?) {
        guard let map = value?.mapValue, let pid = map["pid"]?.intValue, let port = map["port"]?.intValue,
            let admin = map["adminPort"]?.intValue, let start = map["start"]?.stringValue.flatMap({ UInt64($0) }),
            let config = map["config"]?.stringValue
        else { return nil }
        self.init(pid: Int32(pid), port: port, adminPort: admin, startTicks: start, configPath: config)
    }

    var isRunning: Bool { ProcessStopper.isSame(pid, startTicks) }

    static func marker(_ spec: ServiceSpec) -> String { spec.marker + "#proxy" }

    /// Absolute, because the proxy runs in a directory of its own.
    static func configPath(_ spec: ServiceSpec, context: ProviderContext) -> String {
        URL(
            fileURLWithPath:
                "\(context.stateDirectory)/proxy/\(context.stack.name)-\(context.stack.environment)-\(ResourceAddress.flatName(of: spec.name)).json"
        )
        .standardizedFileURL.path
    }

    /// Writes the backends, then makes sure a proxy runs on `port` reading them: the one
    /// recorded if it still runs there, else a new one.
    static func ensure(
        _ spec: ServiceSpec, prior: ServiceProxy?, port: Int, backends: [ProxyConfig.Backend],
        context: ProviderContext
    ) async throws -> ServiceProxy {
        let path = configPath(spec, context: context)
        try publish(backends, spec: spec, path: path)
        if let prior, prior.isRunning, prior.port == port, prior.configPath == path { return prior }
        await stopAll(spec, prior: prior)
        // The admin port is picked here and bound a moment later by the new process; something
        // else may take it in between. The proxy then exits, and a fresh pick is the cure.
        for _ in 1...3 {
            guard let admin = PortAllocator.freePort(avoiding: [port]) else {
                throw ProviderError(resource: spec.name, "no free loopback port left for the proxy")
            }
            let proxy = try launch(spec, port: port, adminPort: admin, configPath: path, context: context)
            if try await waitUntilServing(proxy, spec: spec, context: context) { return proxy }
        }
        throw ProviderError(resource: spec.name, "the proxy exited during start-up three times (port \(port) taken?)\(logTail(spec, context: context))")
    }

    /// Stops the recorded proxy and any unrecorded one of this service (an apply killed after
    /// starting it), so that the port is free for a new one.
    static func stopAll(_ spec: ServiceSpec, prior: ServiceProxy?) async {
        if let prior { await ProcessStopper.stop(pid: prior.pid, startTicks: prior.startTicks, grace: 2) }
        for pid in ProcessTable.processes(withEnvironment: ServiceSpec.markerKey, value: marker(spec)) {
            await ProcessStopper.stop(pid: pid, startTicks: nil, grace: 2)
        }
    }

    private static func launch(
        _ spec: ServiceSpec, port: Int, adminPort: Int, configPath: String,
        context: ProviderContext
    ) throws -> ServiceProxy {
        var environment = ProcessInfoEnvironment.all
        environment[ServiceSpec.markerKey] = marker(spec)
        let pid: Int32
        do {
            pid = try ProcessLauncher.launch(
                executable: ServiceSpec.dharmaExecutable(),
                arguments: ["proxy", "--port", String(port), "--admin-port", String(adminPort), "--config", configPath],
                environment: environment, workingDirectory: context.stateDirectory,
                logPath: ServiceLogs.path("\(ResourceAddress.flatName(of: spec.name))-proxy.log", context: context))
        } catch {
            throw ProviderError(resource: spec.name, "the proxy did not start: \(error)")
        }
        return ServiceProxy(
            pid: pid, port: port, adminPort: adminPort, startTicks: ProcessTable.info(pid)?.startTicks ?? 0,
            configPath: configPath)
    }

    /// True once the proxy answers on its admin port, which it binds after the service port:
    /// a bare TCP connect to the service port could be answered by another program, or by a
    /// proxy about to exit because its admin port was taken. False when it exited first.
    /// The deadline is generous: a debug build's first start on a loaded two-core machine has
    /// taken more than 10 s.
    private static func waitUntilServing(_ proxy: ServiceProxy, spec: ServiceSpec, context: ProviderContext) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            ProcessTable.reapExitedChildren()
            guard proxy.isRunning else { return false }
            if proxy.status() != nil, proxy.isRunning { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        // A starved task may wake past the deadline having looked only once: look again.
        ProcessTable.reapExitedChildren()
        if proxy.isRunning, proxy.status() != nil { return true }
        await proxy.stop()
        throw ProviderError(
            resource: spec.name,
            "the proxy (\(ServiceSpec.dharmaExecutable()) proxy) did not answer on its admin port \(proxy.adminPort) within 30 s\(logTail(spec, context: context))"
        )
    }

    private static func logTail(_ spec: ServiceSpec, context: ProviderContext) -> String {
        ServiceLogs.tail("\(ServiceLogs.directory(context))/\(ResourceAddress.flatName(of: spec.name))-proxy.log")
    }

    /// Replaces the backends file (the proxy picks it up within 100 ms); returns its generation.
    @discardableResult
    static func publish(_ backends: [ProxyConfig.Backend], spec: ServiceSpec, path: String) throws -> Int {
        let generation = ((try? ProxyConfig.load(path))?.generation ?? 0) + 1
        let config = ProxyConfig(
            generation: generation, backends: backends, healthPath: spec.healthPath,
            healthInterval: min(spec.healthInterval, 1), latencyObjective: spec.objective?.latencyP99)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try config.write(to: path)
        } catch {
            throw ProviderError(resource: spec.name, "cannot write the proxy's backends to \(path): \(error)")
        }
        return generation
    }

    /// Takes `ports` out of rotation and waits until the proxy has no request in flight to
    /// them (at most `timeout` seconds): what makes a replica safe to stop.
    func drain(_ ports: Set<Int>, keeping backends: [ProxyConfig.Backend], spec: ServiceSpec, timeout: Double) async throws {
        guard !ports.isEmpty else { return }
        let marked = backends.map { backend in
            var backend = backend
            if ports.contains(backend.port) { backend.draining = true }
            return backend
        }
        let generation = try Self.publish(marked, spec: spec, path: configPath)
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline, isRunning {
            if let status = status(), status.generation >= generation,
                status.backends.filter({ ports.contains($0.port) }).allSatisfy({ $0.inFlight == 0 })
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func status() -> ProxyStatus? {
        guard let answer = LoopbackHTTP.get(port: adminPort, path: "/status", timeout: 1), answer.status == 200 else { return nil }
        return try? JSONDecoder().decode(ProxyStatus.self, from: Data(answer.body.utf8))
    }

    func stop() async {
        await ProcessStopper.stop(pid: pid, startTicks: startTicks, grace: 2)
    }
}

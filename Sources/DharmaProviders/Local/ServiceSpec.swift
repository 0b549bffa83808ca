import DharmaCore
import DharmaNet
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `compute.service`'s inputs, checked and resolved into what it takes to start an instance.
struct ServiceSpec: Sendable {
    static let markerKey = "DHARMA_INSTANCE_OF"
    /// Which replica a process belongs to; inherited by everything the replica starts.
    static let replicaKey = "DHARMA_REPLICA"

    var name: String
    var executable: String
    var argumentTemplates: [String]
    var environment: [String: String]
    var workingDirectory: String
    var replicas: Int
    var fixedPort: Int?
    var grace: Double
    var healthPath: String?
    var healthTCP: Bool
    var healthInterval: Double
    var healthTimeout: Double
    var marker: String
    /// Runs behind a `dharma proxy`: more than one replica, autoscaling, backups, or
    /// service-level objectives (the proxy is what measures them).
    var proxied: Bool
    /// What the service's `slo` promises, for the proxy's latency buckets.
    var objective: ServiceLevelObjective?
    /// Ports of the `backups` URLs, for the proxy's failover.
    var backupPorts: [Int]

    init(_ resource: DesiredResource, context: ProviderContext) throws {
        name = resource.name
        guard let command = resource.inputs["command"]?.listValue?.compactMap(\.stringValue), let program = command.first else {
            throw ProviderError(resource: resource.name, "`command` must be a non-empty list of strings")
        }
        if program == "dharma" {
            executable = Self.dharmaExecutable()
        } else if let resolved = ProcessLauncher.resolveExecutable(program, base: context.baseDirectory) {
            executable = resolved
        } else {
            throw ProviderError(resource: resource.name, "program `\(program)` was not found (searched PATH and \(context.baseDirectory))")
        }
        argumentTemplates = Array(command.dropFirst())
        environment = (resource.inputs["env"]?.mapValue ?? [:]).compactMapValues { $0.stringValue ?? $0.interpolated }
        workingDirectory = LocalPaths.absolute(resource.inputs["workingDir"]?.stringValue ?? ".", in: context)
        replicas = resource.inputs["replicas"]?.intValue ?? 1
        fixedPort = resource.inputs["port"]?.intValue
        grace = Units.seconds(resource.inputs["stopGracePeriod"] ?? .string("10s")) ?? 10
        let health = resource.inputs["health"]?.mapValue ?? [:]
        healthPath = health["http"]?.stringValue
        healthTCP = health["tcp"]?.boolValue ?? false
        healthInterval = Units.seconds(health["interval"] ?? .string("1s")).map { min(max($0, 0.05), 5) } ?? 1
        healthTimeout = Units.seconds(health["timeout"] ?? .string("30s")) ?? 30
        marker = Self.marker(stack: context.stack, resource: resource.name, stateDirectory: context.stateDirectory)
        var backupPorts: [Int] = []
        for text in resource.inputs["backups"]?.listValue?.compactMap(\.stringValue) ?? [] {
            guard let url = URL(string: text), ["127.0.0.1", "localhost"].contains(url.host ?? ""), let port = url.port else {
                throw ProviderError(resource: resource.name, "backups: `\(text)` is not a loopback URL with a port; the local proxy reaches 127.0.0.1 only")
            }
            backupPorts.append(port)
        }
        self.backupPorts = backupPorts
        objective = ServiceLevelObjective(resource.inputs["slo"])
        proxied = replicas > 1 || resource.inputs["heal"]?.mapValue?["scale"] != nil || !backupPorts.isEmpty || objective != nil
        guard LocalPaths.isDirectory(workingDirectory) else {
            throw ProviderError(resource: resource.name, "working directory \(workingDirectory) does not exist")
        }
    }

    /// Identifies this resource's processes across restarts of Dharma, and apart from other
    /// projects' stacks of the same name.
    /// The directory is made absolute first: two projects whose state both lives in a
    /// relative `.dharma` must not take each other's processes for their own.
    static func marker(stack: StackID, resource: String, stateDirectory: String) -> String {
        let directory = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        return "\(Digest.fnv1a64Hex(Array(directory.utf8)).prefix(8)):\(stack.name)/\(stack.environment)/\(resource)"
    }

    /// Processes carrying `marker` that belong to no recorded replica: neither one of `recorded`
    /// nor started by one (replicas lead their own sessions, and what they start shares it).
    /// An apply killed between starting a replica and recording it leaves such strays.
    static func strays(marker: String, recorded: Set<Int32>) -> [Int32] {
        ProcessTable.processes(withEnvironment: markerKey, value: marker).filter { pid in
            !recorded.contains(pid) && !(ProcessTable.info(pid).map { recorded.contains($0.session) } ?? false)
        }
    }

    /// The inputs whose change means instances must be restarted.
    static func runtimeInputs(_ inputs: [String: Value]) -> [Value?] {
        ["command", "env", "workingDir", "port", "health", "cpu", "memory", "version"].map { inputs[$0] }
    }

    func launch(index: Int, port: Int, context: ProviderContext) throws -> ServiceInstance {
        let substitute = { (text: String) in
            text.replacing("${self.port}", with: String(port)).replacing("${self.replica}", with: String(index))
        }
        let arguments = argumentTemplates.map(substitute)
        var env = ProcessInfoEnvironment.all
        for (key, value) in environment { env[key] = substitute(value) }
        env["PORT"] = String(port)
        env[Self.replicaKey] = String(index)
        env[Self.markerKey] = marker
        let logPath = ServiceLogs.path("\(ResourceAddress.flatName(of: name))-\(index).log", context: context)
        let pid: Int32
        do {
            pid = try ProcessLauncher.launch(
                executable: executable, arguments: arguments, environment: env,
                workingDirectory: workingDirectory, logPath: logPath)
        } catch {
            throw ProviderError(resource: name, error.description)
        }
        let info = ProcessTable.info(pid)
        return ServiceInstance(
            index: index, pid: pid, port: port, startTicks: info?.startTicks ?? 0,
            arguments: [executable] + arguments)
    }

    func waitUntilReady(_ instance: ServiceInstance, context: ProviderContext) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(healthTimeout * 1000))
        var lastProblem = "no answer yet"
        while ContinuousClock.now < deadline {
            ProcessTable.reapExitedChildren()
            guard let info = ProcessTable.info(instance.pid), !info.isZombie else {
                throw ProviderError(resource: name, "replica \(instance.index) (pid \(instance.pid)) exited during start-up\(logTail(instance, context))")
            }
            if let path = healthPath {
                if let status = ReadinessProbe.httpStatus(port: instance.port, path: path), (200..<400).contains(status) {
                    return try requireHoldsPort(instance)
                }
                lastProblem = "GET \(path) on port \(instance.port) did not answer 2xx"
            } else if healthTCP {
                if ReadinessProbe.tcpAccepts(port: instance.port) { return try requireHoldsPort(instance) }
                lastProblem = "port \(instance.port) did not accept connections"
            } else {
                // No check configured: the process staying up briefly is all we can tell.
                try await Task.sleep(for: .milliseconds(200))
                if ProcessStopper.isSame(instance.pid, instance.startTicks) { return }
                continue
            }
            try await Task.sleep(for: .milliseconds(Int(healthInterval * 1000 / 4)))
        }
        throw ProviderError(
            resource: name, "replica \(instance.index) was not ready within \(Int(healthTimeout))s: \(lastProblem)\(logTail(instance, context))")
    }

    /// A passing check proves only that something answers on the port. If another program
    /// took it between the free-port check and the start, the check would be answered by that
    /// program, so the replica must hold the listening socket. Systems without /proc cannot
    /// tell, and pass.
    private func requireHoldsPort(_ instance: ServiceInstance) throws {
        let replica = PortOwnership.Replica(marker: marker, index: instance.index, pid: instance.pid)
        guard PortOwnership().replica(replica, holds: instance.port) != false else {
            throw ProviderError(
                resource: name,
                "port \(instance.port) answers, but not from replica \(instance.index) (pid \(instance.pid)): another program listens there; set `port` to a free one"
            )
        }
    }

    private func logTail(_ instance: ServiceInstance, _ context: ProviderContext) -> String {
        ServiceLogs.tail("\(ServiceLogs.directory(context))/\(ResourceAddress.flatName(of: name))-\(instance.index).log")
    }

    /// What the program name `dharma` means in a command: the override tests set, else the
    /// running executable.
    static func dharmaExecutable() -> String {
        // An empty override (`DHARMA_EXECUTABLE=`) counts as none.
        ProcessInfoEnvironment.value(ServiceResource.executableOverrideVariable).flatMap { $0.isEmpty ? nil : $0 }
            ?? currentExecutable() ?? "dharma"
    }

    static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

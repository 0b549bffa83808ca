import DharmaAutopilot
import DharmaCore
import DharmaInsight
import DharmaNet
import DharmaProviders
import DharmaProxy
import Foundation

/// Puts faults into a stack on the local runtime, and takes them out again.
///
/// - `kill`: SIGKILL the chosen replicas.
/// - `latency`: the service's proxy adds the latency to every request (its chaos file).
/// - `cpu`, `memory`, `hang`: the replicas' own fault switches (`dharma workload` serves them).
/// - `connections`: this process opens and holds `count` connections to the service.
/// - `region`: every replica and proxy of the services in the region is frozen (SIGSTOP).
/// - `connections` into a `database.postgres`: held to its port the same way.
/// - `disk`: a `storage.volume` is filled to its quota with one preallocated file.
public struct FaultInjector: Sendable {
    public struct InjectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A fault in place: what the journal records, and connections this process holds.
    public struct Injected: Sendable {
        public var fault: ActiveFault
        var sockets: [Int32] = []
    }

    public var journal: ChaosJournal

    public init(journal: ChaosJournal) {
        self.journal = journal
    }

    public func inject(_ spec: FaultSpec, into recorded: StackState, random: inout SeededRandom, now: Double) throws(InjectionError) -> Injected {
        let id = UUID().uuidString
        switch spec.kind {
        case .region:
            return try freeze(region: spec.region ?? "", of: recorded, id: id, now: now)
        case .kill:
            let (state, targets) = try choose(spec, in: recorded, random: &random)
            let fault = ActiveFault(
                id: id, kind: .kill, resource: state.name,
                description: "killed \(state.name) \(Self.names(targets)) (pid \(targets.map { String($0.pid) }.joined(separator: ", ")))",
                injectedAt: now, undo: [])
            for target in targets { kill(target.pid, SIGKILL) }
            return Injected(fault: fault)
        case .latency:
            let (state, _) = try choose(spec, in: recorded, random: &random)
            guard let config = state.outputs["proxy"]?.mapValue?["config"]?.stringValue else {
                throw InjectionError(
                    description: "\(state.name) runs without a proxy (one replica); latency is injected in the proxy, so give it 2 replicas or more")
            }
            let path = ProxyFaults.path(for: config)
            let fault = ActiveFault(
                id: id, kind: .latency, resource: state.name,
                description: "\(Int(spec.latency * 1000)) ms added to every request to \(state.name)", injectedAt: now,
                undo: [.deleteFile(path)])
            try record(fault)
            do {
                try ProxyFaults(latencyMilliseconds: Int(spec.latency * 1000)).write(to: path)
            } catch {
                throw InjectionError(description: "cannot write \(path): \(error)")
            }
            return Injected(fault: fault)
        case .cpu, .memory, .hang:
            let (state, targets) = try choose(spec, in: recorded, random: &random)
            let (name, what) =
                switch spec.kind {
                case .cpu: ("cpu", "CPU burning")
                case .memory: ("leak", "memory leaking")
                default: ("hang", "requests hanging")
                }
            let fault = ActiveFault(
                id: id, kind: spec.kind, resource: state.name,
                description: "\(what) in \(state.name) \(Self.names(targets))", injectedAt: now,
                undo: targets.map { .workloadFault(port: $0.port, name: name) })
            try record(fault)
            for target in targets where LoopbackHTTP.post(port: target.port, path: "/fault/\(name)?on=1") != 200 {
                throw InjectionError(
                    description:
                        "\(state.name) replica \(target.index) has no \(name) fault switch; CPU, memory and hang faults need `dharma workload` replicas")
            }
            return Injected(fault: fault)
        case .disk:
            return try fill(spec, in: recorded, random: &random, id: id, now: now)
        case .connections:
            let state = try connectionTarget(spec, in: recorded, random: &random)
            guard let port = state.outputs["port"]?.intValue else { throw InjectionError(description: "\(state.name) has no port") }
            var sockets: [Int32] = []
            for _ in 0..<spec.count {
                guard let socket = LoopbackSocket.connect(port: port, timeout: 1) else { break }
                sockets.append(socket)
            }
            let fault = ActiveFault(
                id: id, kind: .connections, resource: state.name,
                description: "holding \(sockets.count) of \(spec.count) connections to \(state.name) (port \(port))", injectedAt: now, undo: [])
            return Injected(fault: fault, sockets: sockets)
        }
    }

    /// The service a fault goes into (named, or one at random) and its chosen replicas.
    private func choose(_ spec: FaultSpec, in recorded: StackState, random: inout SeededRandom) throws(InjectionError) -> (ResourceState, [Replica]) {
        let services = Replica.services(in: recorded)
        let state: ResourceState
        if let name = spec.resource {
            // A database server's process can be killed like a replica.
            let killable = spec.kind == .kill && recorded.resources[name]?.type == "database.postgres"
            guard let named = recorded.resources[name], named.type == "compute.service" || killable else {
                throw InjectionError(
                    description: "\(spec.location.map { "\($0): " } ?? "")no service `\(name)` in \(recorded.stack)"
                        + (Suggestion.hint(for: name, in: services.map(\.name)).map { "; \($0)" } ?? ""))
            }
            state = named
        } else if let chosen = services.randomElement(using: &random) {
            state = chosen
        } else {
            throw InjectionError(description: "\(recorded.stack) runs no service to put a fault into")
        }
        let replicas = Replica.all(of: state)
        let targets: [Replica]
        switch spec.replica {
        case .all: targets = replicas
        case .random: targets = replicas.randomElement(using: &random).map { [$0] } ?? []
        case .index(let index): targets = replicas.filter { $0.index == index }
        }
        guard !targets.isEmpty else { throw InjectionError(description: "\(state.name) has no such replica running") }
        return (state, targets)
    }

    /// A service, or a database when one is named.
    private func connectionTarget(_ spec: FaultSpec, in recorded: StackState, random: inout SeededRandom) throws(InjectionError) -> ResourceState {
        if let name = spec.resource, let database = recorded.resources[name], database.type.hasPrefix("database.") { return database }
        return try choose(spec, in: recorded, random: &random).0
    }

    /// Fills a volume: the journal first, so a filler left by a killed run is removed on the next start.
    private func fill(_ spec: FaultSpec, in recorded: StackState, random: inout SeededRandom, id: String, now: Double) throws(InjectionError) -> Injected {
        let volumes = recorded.resources.values.filter { $0.type == "storage.volume" && $0.outputs["path"] != nil }.sorted { $0.name < $1.name }
        let state: ResourceState
        if let name = spec.resource {
            guard let named = volumes.first(where: { $0.name == name }) else {
                throw InjectionError(
                    description: "\(spec.location.map { "\($0): " } ?? "")no storage.volume `\(name)` runs in \(recorded.stack)"
                        + (Suggestion.hint(for: name, in: volumes.map(\.name)).map { "; \($0)" } ?? ""))
            }
            state = named
        } else if let chosen = volumes.randomElement(using: &random) {
            state = chosen
        } else {
            throw InjectionError(description: "\(recorded.stack) has no local storage.volume to fill")
        }
        guard let mount = state.outputs["path"]?.stringValue else { throw InjectionError(description: "\(state.name) has no path") }
        let path = "\(mount)/.dharma-chaos-fill-\(id)"
        var fault = ActiveFault(
            id: id, kind: .disk, resource: state.name, description: "filled \(state.name) to its quota", injectedAt: now,
            undo: [.deleteFile(path)])
        try record(fault)
        let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw InjectionError(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = statvfs()
        guard statvfs(mount, &info) == 0 else { throw InjectionError(description: "cannot read the free space of \(mount)") }
        // Preallocate in halving chunks until not even 4 KiB more fits: the filesystem's own
        // metadata takes some of what statvfs calls free.
        var filled: off_t = 0
        var chunk = max(off_t(info.f_bavail) * off_t(info.f_frsize) / 2, 4096)
        while chunk >= 4096 {
            if posix_fallocate(descriptor, filled, chunk) == 0 { filled += chunk } else { chunk /= 2 }
        }
        fault.description = "filled \(state.name) to its quota (\(filled / 1_048_576) MiB preallocated in \(mount))"
        try record(fault)
        return Injected(fault: fault)
    }

    /// Freezes every replica and proxy of the services in `region`.
    private func freeze(region: String, of recorded: StackState, id: String, now: Double) throws(InjectionError) -> Injected {
        let inRegion = Replica.services(in: recorded).filter { $0.region == region }
        guard !inRegion.isEmpty else { throw InjectionError(description: "no service of \(recorded.stack) runs in region \(region)") }
        var undo: [ActiveFault.Undo] = []
        for state in inRegion {
            let proxy = state.outputs["proxy"]?.mapValue?["pid"]?.intValue.map(Int32.init)
            for pid in Replica.all(of: state).map(\.pid) + (proxy.map { [$0] } ?? []) {
                guard let info = ProcessTable.info(pid), !info.isZombie else { continue }
                undo.append(.resume(pid: pid, startTicks: info.startTicks))
            }
        }
        let names = inRegion.map(\.name)
        let fault = ActiveFault(
            id: id, kind: .region, resource: names.joined(separator: ","),
            description: "froze region \(region): \(names.joined(separator: ", ")) (\(undo.count) processes)", injectedAt: now, undo: undo)
        try record(fault)
        for case .resume(let pid, _) in undo { kill(pid, SIGSTOP) }
        return Injected(fault: fault)
    }

    private static func names(_ targets: [Replica]) -> String {
        targets.map { "replica \($0.index)" }.joined(separator: ", ")
    }

    public func remove(_ injected: Injected) {
        for socket in injected.sockets { close(socket) }
        ChaosJournal.undo(injected.fault)
        try? journal.forget(injected.fault.id)
    }

    private func record(_ fault: ActiveFault) throws(InjectionError) {
        do {
            try journal.record(fault)
        } catch {
            throw InjectionError(description: error.description)
        }
    }
}

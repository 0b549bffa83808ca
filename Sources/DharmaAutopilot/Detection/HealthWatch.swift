import DharmaCore
import DharmaNet
import DharmaProviders

/// Liveness, as Kubernetes probes it: every tick each running replica of a service with a
/// `health` check is asked (HTTP 2xx/3xx, or a TCP accept) with a short timeout; a replica
/// that fails `failureThreshold` times in a row is unhealthy — hung, or wedged, though its
/// process lives. An answer counts only from the replica itself: a program that took the port
/// of a replica that stopped listening would otherwise answer for it.
struct HealthWatch: Sendable {
    var failureThreshold = 3
    var timeout = 1.0
    private var failures: [String: Int] = [:]

    struct Target: Sendable {
        var key: String
        var resource: String
        var replica: Replica
        var owner: PortOwnership.Replica
        var path: String?
    }

    enum Answer: Sendable, Equatable {
        case healthy
        case silent
        /// Another program holds the port and answered.
        case stranger
    }

    static func targets(in recorded: StackState, stateDirectory: String) -> [Target] {
        Replica.services(in: recorded).flatMap { state -> [Target] in
            let health = state.inputs["health"]?.mapValue ?? [:]
            let path = health["http"]?.stringValue
            guard path != nil || health["tcp"]?.boolValue == true else { return [] }
            return Replica.all(of: state).filter { ProcessTable.info($0.pid).map { !$0.isZombie } ?? false }.map {
                Target(
                    key: "\(state.name)#\($0.index)#\($0.pid)", resource: state.name, replica: $0,
                    owner: PortOwnership.Replica(service: state.name, stack: recorded.stack, stateDirectory: stateDirectory, index: $0.index, pid: $0.pid),
                    path: path)
            }
        }
    }

    /// Asks every target at once, then whose answers they were.
    static func probe(_ targets: [Target], timeout: Double) async -> [String: Answer] {
        let answered = await withTaskGroup(of: (String, Bool).self) { group in
            for target in targets {
                group.addTask {
                    let ok =
                        target.path.map { path in
                            ReadinessProbe.httpStatus(port: target.replica.port, path: path, timeout: timeout).map { (200..<400).contains($0) } ?? false
                        } ?? ReadinessProbe.tcpAccepts(port: target.replica.port, timeout: timeout)
                    return (target.key, ok)
                }
            }
            var answers: [String: Bool] = [:]
            for await (key, ok) in group { answers[key] = ok }
            return answers
        }
        let ownership = PortOwnership()
        return Dictionary(
            uniqueKeysWithValues: targets.map { target in
                guard answered[target.key] == true else { return (target.key, .silent) }
                return (target.key, ownership.replica(target.owner, holds: target.replica.port) == false ? .stranger : .healthy)
            })
    }

    /// Counts the answers; returns a symptom per service with replicas over the threshold.
    mutating func symptoms(_ targets: [Target], answers: [String: Answer], in recorded: StackState) -> [Symptom] {
        failures = failures.filter { key, _ in targets.contains { $0.key == key } }
        var unhealthy: [String: [Target]] = [:]
        for target in targets {
            let count = answers[target.key] == .healthy ? 0 : (failures[target.key] ?? 0) + 1
            failures[target.key] = count
            if count >= failureThreshold { unhealthy[target.resource, default: []].append(target) }
        }
        return unhealthy.keys.sorted().compactMap { name in
            guard let state = recorded.resources[name], let bad = unhealthy[name] else { return nil }
            let check = bad.first?.path.map { "GET \($0)" } ?? "a TCP connection"
            return Symptom(
                kind: .unhealthy, resource: name, resourceType: state.type,
                diff: bad.map {
                    AttributeDiff(
                        attribute: "replica[\($0.replica.index)].health", old: .string("answers \(check)"),
                        new: .string("\(failing($0, answers[$0.key])), \(failures[$0.key] ?? 0) times in a row"))
                },
                affected: bad.map(\.replica.index), replicas: state.inputs["replicas"]?.intValue ?? 1)
        }
    }

    private func failing(_ target: Target, _ answer: Answer?) -> String {
        answer == .stranger
            ? "answered by another program listening on port \(target.replica.port), not by the replica"
            : "no answer within \(timeout) s"
    }
}

import DharmaCore
import DharmaNet
import DharmaProviders

/// Liveness, as Kubernetes probes it: every tick each running replica of a service with a
/// `health` check is asked (HTTP 2xx/3xx, or a TCP accept) with a short timeout; a replica
/// that fails `failureThreshold` times in a row is unhealthy — hung, or wedged, though its
/// process lives.
struct HealthWatch: Sendable {
    var failureThreshold = 3
    var timeout = 1.0
    private var failures: [String: Int] = [:]

    struct Target: Sendable {
        var key: String
        var resource: String
        var replica: Replica
        var path: String?
    }

    static func targets(in recorded: StackState) -> [Target] {
        Replica.services(in: recorded).flatMap { state -> [Target] in
            let health = state.inputs["health"]?.mapValue ?? [:]
            let path = health["http"]?.stringValue
            guard path != nil || health["tcp"]?.boolValue == true else { return [] }
            return Replica.all(of: state).filter { ProcessTable.info($0.pid).map { !$0.isZombie } ?? false }.map {
                Target(key: "\(state.name)#\($0.index)#\($0.pid)", resource: state.name, replica: $0, path: path)
            }
        }
    }

    /// Asks every target at once; true means it answered.
    static func probe(_ targets: [Target], timeout: Double) async -> [String: Bool] {
        await withTaskGroup(of: (String, Bool).self) { group in
            for target in targets {
                group.addTask {
                    let ok = target.path.map { path in
                        ReadinessProbe.httpStatus(port: target.replica.port, path: path, timeout: timeout).map { (200..<400).contains($0) } ?? false
                    } ?? ReadinessProbe.tcpAccepts(port: target.replica.port, timeout: timeout)
                    return (target.key, ok)
                }
            }
            var answers: [String: Bool] = [:]
            for await (key, ok) in group { answers[key] = ok }
            return answers
        }
    }

    /// Counts the answers; returns a symptom per service with replicas over the threshold.
    mutating func symptoms(_ targets: [Target], answers: [String: Bool], in recorded: StackState) -> [Symptom] {
        failures = failures.filter { key, _ in targets.contains { $0.key == key } }
        var unhealthy: [String: [Target]] = [:]
        for target in targets {
            let count = answers[target.key] == true ? 0 : (failures[target.key] ?? 0) + 1
            failures[target.key] = count
            if count >= failureThreshold { unhealthy[target.resource, default: []].append(target) }
        }
        return unhealthy.keys.sorted().compactMap { name in
            guard let state = recorded.resources[name], let bad = unhealthy[name] else { return nil }
            let check = bad.first?.path.map { "GET \($0)" } ?? "a TCP connection"
            return Symptom(kind: .unhealthy, resource: name, resourceType: state.type,
                           diff: bad.map { AttributeDiff(attribute: "replica[\($0.replica.index)].health", old: .string("answers \(check)"),
                                                         new: .string("no answer within \(timeout) s, \(failures[$0.key] ?? 0) times in a row")) },
                           affected: bad.map(\.replica.index), replicas: state.inputs["replicas"]?.intValue ?? 1)
        }
    }
}

import DharmaCore
import DharmaEngine
import Foundation

/// After a certificate is renewed, the services that use it load the new one: each replica is
/// restarted in turn, drained first behind its proxy, so clients see no failed request.
extension Autopilot {
    func reloadUsers(ofRenewed keys: [String], survey: StackEngine.Survey, prepared: StackEngine.Prepared, report: inout TickReport) async throws {
        for key in keys {
            guard var incident = open[key], incident.symptom == .expiring, incident.phase == .verifying else { continue }
            let users = survey.recorded.resources.values
                .filter { $0.type == "compute.service" && $0.dependencies.contains(incident.resource) }
                .sorted { $0.name < $1.name }
            guard !users.isEmpty else { continue }
            var healer = healer
            healer.reason = "incident \(incident.id): reload after renewing \(incident.resource)"
            var reloaded: [String] = []
            for service in users {
                let replicas = Replica.all(of: service).map(\.index).sorted()
                var failures: [String] = []
                for replica in replicas {
                    do {
                        try await healer.restartReplica(replica, of: service.name, drain: true, context: healer.context(for: prepared))
                    } catch {
                        failures.append("replica \(replica): \(error)")
                    }
                }
                if failures.isEmpty {
                    reloaded.append("\(service.name) (\(replicas.count) replica\(replicas.count == 1 ? "" : "s"), one at a time, drained first)")
                } else {
                    incident.note(.failed, "reloading \(service.name) failed: \(failures.joined(separator: "; "))", at: clock())
                    report.problems.append("incident \(incident.id): reloading \(service.name) after the renewal failed")
                }
            }
            if !reloaded.isEmpty {
                incident.note(.action, "reloaded the services that use the certificate: \(reloaded.joined(separator: ", "))", at: clock())
                report.lines.append("incident \(incident.id): reloaded \(users.map(\.name).joined(separator: ", ")) with the renewed certificate")
            }
            try await book.save(incident)
            open[key] = incident
        }
    }
}

import DharmaCore
import DharmaMetrics
import DharmaStore
import Foundation

/// Service-level objectives: every `serviceLevelInterval` the SLIs of each service with an
/// `slo` are read from its proxy's recorded metrics, and a service whose error budget burns
/// past a workbook threshold over both windows of a rule is a symptom, so its alert is an
/// incident (critical for the fast rule, major for the slow one) that resolves once the
/// burning stops.
extension Autopilot {
    func observeServiceLevels(in recorded: StackState, report: inout TickReport) async -> [Symptom] {
        let now = clock()
        guard recorded.resources.values.contains(where: { $0.type == "compute.service" && $0.inputs["slo"] != nil }),
            let store = engine.store as? any MetricsStore
        else {
            serviceLevels = []
            return []
        }
        if now - serviceLevelsReadAt >= serviceLevelInterval {
            do {
                serviceLevels = try await ServiceLevelReader(metrics: MetricsRepository(store: store)).statuses(
                    of: recorded, now: Date(timeIntervalSince1970: now))
                serviceLevelsReadAt = now
            } catch {
                report.problems.append("service levels were not read: \(error)")
            }
        }
        return serviceLevels.compactMap { status in
            guard !status.alerts.isEmpty, let state = recorded.resources[status.resource] else { return nil }
            return Symptom(burning: status.alerts, of: state)
        }
    }
}

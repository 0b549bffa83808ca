import DharmaMetrics
import DharmaService
import Foundation

/// One objective of one service on the stack page: what it promises, what was achieved over
/// its window, the error budget left, how fast it burns, and the alert that fires.
struct ServiceLevelRow {
    var resource: String
    var indicator: String
    var objective: String
    var achieved: String
    /// `62% left`, `overspent`, or a dash without requests.
    var budget: String
    /// 0…1 for the meter; nil without requests.
    var budgetLeft: Double?
    var burnRates: String
    var alert: String?
}

extension Console {
    func serviceLevelRows(_ reference: String, in organisation: String) async throws -> [ServiceLevelRow] {
        let (tenants, _, _) = try acting()
        let statuses = try await ManagedStackService(tenants: tenants).serviceLevels(reference, in: organisation)
        return statuses.flatMap(Self.serviceLevelRows)
    }

    static func serviceLevelRows(_ status: ServiceLevelStatus) -> [ServiceLevelRow] {
        let window = "over \(duration(status.objective.window))"
        return status.indicators.map { indicator in
            let objective: String
            switch indicator {
            case .availability: objective = percent(status.objective.availability) + " without a 5xx " + window
            case .latency: objective = "99% within \(milliseconds(status.objective.latencyP99 ?? 0)) " + window
            }
            let requests = Int(status.events.requests)
            let achieved = status.achieved(indicator).map { "\(percent($0)) of \(requests) requests" } ?? "no requests yet"
            let left = status.budgetRemaining(indicator)
            let budget = left.map { $0 < 0 ? "overspent by \(percent(-$0))" : "\(percent($0)) left" } ?? "—"
            let rates = status.burnRates.filter { $0.indicator == indicator }.map { rate in
                "\(ServiceLevelStatus.Alert.window(rate.window)) " + (rate.rate.map(ServiceLevelStatus.Alert.times) ?? "—")
            }
            let alerts = status.alerts.filter { $0.indicator == indicator }
            return ServiceLevelRow(
                resource: status.resource, indicator: indicator.rawValue, objective: objective, achieved: achieved, budget: budget,
                budgetLeft: left.map { min(1, max(0, $0)) }, burnRates: rates.joined(separator: " · "),
                alert: alerts.isEmpty ? nil : alerts.map { "\($0.rule.speed.rawValue) burn: \($0.summary)" }.joined(separator: "; "))
        }
    }

    /// `99.9%`, `99.95%`: as many decimals as the figure needs, at most three.
    static func percent(_ share: Double) -> String {
        var text = String(format: "%.3f", share * 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    static func milliseconds(_ seconds: Double) -> String {
        "\(Int((seconds * 1000).rounded())) ms"
    }

    static func duration(_ seconds: Double) -> String {
        seconds >= 86_400 && seconds.truncatingRemainder(dividingBy: 86_400) == 0 ? "\(Int(seconds / 86_400)) d" : "\(Int(seconds / 3_600)) h"
    }
}

import DharmaAutopilot
import DharmaCore
import DharmaInsight
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct AIOpsDashboard {
    struct Model {
        var model: String
        var purpose: String
        var benchmark: String
        var measure: String
        var figure: String
        var comparison: String
        var command: String
    }
    /// One symptom's row of the symptom × remediation table.
    struct SymptomRow {
        var symptom: String
        var cells: [Cell]
        var attempts: Int
    }
    struct Cell {
        /// `83 % of 12`, or nil where the action was never tried for the symptom.
        var rate: String?
        var recovery: String?
        var label: String
    }
    var models: [Model]
    var actions: [String]
    var symptoms: [SymptomRow]
    var attempts: Int
    var successRate: String?
    var none: Bool
}

/// The AIOps dashboard: each model's figure on public data (its card), and how the autopilot's
/// remediations turned out for each symptom across the stacks the person can read.
extension Console {
    func aiopsDashboard() async throws -> Response {
        let (tenants, _, _) = try acting()
        var outcomes: [RemediationOutcome] = []
        for organisation in try readableOrganisations() {
            outcomes += try await tenants.remediationOutcomes(in: organisation)
        }
        let table = RemediationStats.table(outcomes)
        let actions = RemediationAction.allCases.filter { action in table.contains { $0.action == action } }
        let symptoms = SymptomKind.allCases.compactMap { symptom -> AIOpsDashboard.SymptomRow? in
            let rows = table.filter { $0.symptom == symptom }
            guard !rows.isEmpty else { return nil }
            let cells = actions.map { action -> AIOpsDashboard.Cell in
                guard let stats = rows.first(where: { $0.action == action }) else {
                    return .init(rate: nil, recovery: nil, label: "\(symptom) by \(action): never tried")
                }
                let rate = String(format: "%.0f %% of %d", stats.successRate * 100, stats.attempts)
                let recovery = stats.medianRecovery.map { Self.mean([$0]) ?? "" }
                return .init(rate: rate, recovery: recovery, label: "\(symptom) by \(action): \(rate) succeeded")
            }
            return .init(symptom: symptom.rawValue, cells: cells, attempts: rows.reduce(0) { $0 + $1.attempts })
        }
        let successes = table.reduce(0) { $0 + $1.successes }
        let view = AIOpsDashboard(
            models: ModelCard.published.map {
                .init(
                    model: $0.model, purpose: $0.purpose, benchmark: $0.benchmark, measure: $0.measure, figure: $0.figure, comparison: $0.comparison,
                    command: $0.command)
            }, actions: actions.map(\.rawValue), symptoms: symptoms, attempts: outcomes.count,
            successRate: outcomes.isEmpty ? nil : String(format: "%.1f %% of %d attempts", Double(successes) / Double(outcomes.count) * 100, outcomes.count),
            none: outcomes.isEmpty)
        return pages.render(.aiops, title: "AIOps", view)
    }
}

import DharmaEngine
import DharmaStore

extension HealthScore {
    /// Scores a running stack now: what refresh finds wrong, its open incidents, and the
    /// requests its proxies have counted.
    public static func current(of prepared: StackEngine.Prepared, engine: StackEngine) async throws -> HealthScore {
        let survey = try await engine.survey(prepared)
        var incidents: [Incident] = []
        if let store = engine.store as? any IncidentStore {
            incidents = try await IncidentBook(store: store).incidents(stack: prepared.stack, openOnly: true)
        }
        return assess(
            symptoms: SymptomDetector.examine(survey).symptoms, incidents: incidents, traffic: ProxyTraffic.observe(survey.recorded),
            objective: objective(of: prepared.blueprint))
    }
}

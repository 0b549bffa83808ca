import DharmaAutopilot
import DharmaCore
import Testing

@Suite("Health score")
struct HealthScoreTests {
    func symptom(_ kind: Symptom.Kind, _ resource: String) -> Symptom {
        Symptom(kind: kind, resource: resource, resourceType: "compute.service", diff: [], affected: [0], replicas: 2)
    }

    func incident(_ id: Int, _ severity: Incident.Severity) -> Incident {
        var incident = Incident(id: id, stack: StackID(name: "s", environment: "default"), symptom: symptom(.crash, "web"), action: .restart, openedAt: 0)
        incident.severity = severity
        return incident
    }

    @Test("a quiet stack with every request answered scores 100")
    func perfect() {
        let health = HealthScore.assess(symptoms: [], incidents: [], traffic: .init(requests: 1000, failures: 0))
        #expect(health.score == 100 && health.penalties.isEmpty && health.availability == 1)
    }

    @Test("each component costs its points, capped, and the README's example adds up")
    func components() {
        // 2 failed of 1000 against 99.9 %: burn rate 2, 20 points. One failing service (10),
        // one drifted file (5), incidents critical + major (30).
        let health = HealthScore.assess(
            symptoms: [symptom(.crash, "web"), symptom(.drift, "db"), symptom(.drift, "web")],
            incidents: [incident(1, .critical), incident(2, .major)], traffic: .init(requests: 1000, failures: 2))
        #expect(health.penalties.map(\.component) == ["slo", "failing", "incidents", "drift"])
        #expect(health.penalties.map(\.points) == [20, 10, 30, 5], "a failing resource's drift is not counted twice")
        #expect(health.score == 35)
        let worst = HealthScore.assess(
            symptoms: (0..<9).map { symptom(.missing, "r\($0)") }, incidents: (0..<5).map { incident($0, .critical) },
            traffic: .init(requests: 10, failures: 10), expiringCertificates: ["a", "b", "c"])
        #expect(worst.penalties.map(\.points) == [30, 30, 40, 20] && worst.score == 0)
        #expect(HealthScore.assess(symptoms: [], incidents: [incident(1, .minor)], traffic: nil).score == 97)
    }
}

import DharmaAutopilot
import DharmaCore
import Foundation
import Testing

@Suite("Incident notifications: PagerDuty, Opsgenie, Slack")
struct NotificationTests {
    let environment = ["DHARMA_PAGERDUTY_ROUTING_KEY": "rk", "DHARMA_OPSGENIE_API_KEY": "gk"]

    func incident(severity: Incident.Severity = .critical) -> Incident {
        let symptom = Symptom(kind: .crash, resource: "web", resourceType: "compute.service", diff: [], affected: [0, 1], replicas: 2)
        var incident = Incident(id: 7, stack: StackID(name: "shop", environment: "prod"), symptom: symptom, action: .restart, openedAt: 0)
        incident.severity = severity
        return incident
    }

    @Test("channels are KIND=URL with keys from the environment; mistakes are named")
    func parsing() throws {
        #expect(try NotificationChannel.parse("slack=https://hooks.slack.com/services/T/B/X", environment: [:]).name == "Slack")
        #expect(
            try NotificationChannel.parse("PagerDuty=https://events.pagerduty.com/v2/enqueue", environment: environment)
                == .pagerDuty(url: try #require(URL(string: "https://events.pagerduty.com/v2/enqueue")), routingKey: "rk"))
        for (text, problem) in [
            ("slack", "write KIND=URL"), ("teams=https://x.example", "unknown kind `teams`"),
            ("slack=ftp://x", "not an http(s) URL"), ("opsgenie=https://api.opsgenie.com", "set DHARMA_OPSGENIE_API_KEY"),
        ] {
            #expect { try NotificationChannel.parse(text, environment: [:]) } throws: { "\($0)".contains(problem) }
        }
    }

    @Test("PagerDuty gets an Events v2 trigger and a resolve with the same dedup key")
    func pagerDuty() throws {
        let channel = try NotificationChannel.parse("pagerduty=https://events.pagerduty.com/v2/enqueue", environment: environment)
        let trigger = channel.request(for: IncidentNotice(.opened, incident())).body
        #expect(trigger.mapValue?["event_action"] == .string("trigger"))
        #expect(trigger.mapValue?["dedup_key"] == .string("dharma/shop/prod/incident/7"))
        let payload = try #require(trigger.mapValue?["payload"]?.mapValue)
        #expect(payload["severity"] == .string("critical") && payload["source"] == .string("shop/prod/web") && payload["class"] == .string("crash"))
        #expect(payload["summary"] == .string("shop/prod: web is down (replica 0, replica 1 not running)"))
        let resolve = channel.request(for: IncidentNotice(.resolved, incident())).body
        #expect(resolve == .map(["routing_key": "rk", "event_action": "resolve", "dedup_key": "dharma/shop/prod/incident/7"]))
    }

    @Test("Opsgenie gets an alert with priority by severity, closed by alias")
    func opsgenie() throws {
        let channel = try NotificationChannel.parse("opsgenie=https://api.eu.opsgenie.com", environment: environment)
        let open = channel.request(for: IncidentNotice(.opened, incident(severity: .minor)))
        #expect(open.url.absoluteString == "https://api.eu.opsgenie.com/v2/alerts")
        #expect(open.headers == ["Authorization": "GenieKey gk"])
        #expect(open.body.mapValue?["priority"] == .string("P5") && open.body.mapValue?["alias"] == .string("dharma/shop/prod/incident/7"))
        let close = channel.request(for: IncidentNotice(.resolved, incident()))
        #expect(close.url.absoluteString == "https://api.eu.opsgenie.com/v2/alerts/dharma%2Fshop%2Fprod%2Fincident%2F7/close?identifierType=alias")
    }
}

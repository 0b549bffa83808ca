import DharmaCore
import DharmaStore
import Foundation

/// Where incident notifications go, and what each receiver expects: PagerDuty's Events API
/// v2, Opsgenie's Alert API, or a Slack incoming webhook.
public enum NotificationChannel: Sendable, Hashable {
    /// `url` is the Events API endpoint (https://events.pagerduty.com/v2/enqueue).
    case pagerDuty(url: URL, routingKey: String)
    /// `url` is the API base (https://api.opsgenie.com); alerts are created under /v2/alerts
    /// and closed by alias.
    case opsgenie(url: URL, apiKey: String)
    case slack(url: URL)

    public static let pagerDutyKeyVariable = "DHARMA_PAGERDUTY_ROUTING_KEY"
    public static let opsgenieKeyVariable = "DHARMA_OPSGENIE_API_KEY"

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `KIND=URL` (`pagerduty=…`, `opsgenie=…`, `slack=…`). Keys come from the
    /// environment, never from arguments, where `ps` would show them.
    public static func parse(_ text: String, environment: [String: String]) throws(ParseError) -> NotificationChannel {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ParseError(description: "`\(text)`: write KIND=URL, where KIND is pagerduty, opsgenie or slack") }
        guard let url = URL(string: parts[1]), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ParseError(description: "`\(text)`: `\(parts[1])` is not an http(s) URL")
        }
        func key(_ variable: String) throws(ParseError) -> String {
            guard let value = environment[variable], !value.isEmpty else {
                throw ParseError(description: "`\(text)`: set \(variable) to the key for it")
            }
            return value
        }
        switch parts[0].lowercased() {
        case "pagerduty": return .pagerDuty(url: url, routingKey: try key(pagerDutyKeyVariable))
        case "opsgenie": return .opsgenie(url: url, apiKey: try key(opsgenieKeyVariable))
        case "slack": return .slack(url: url)
        default: throw ParseError(description: "`\(text)`: unknown kind `\(parts[0])`; use pagerduty, opsgenie or slack")
        }
    }

    public var name: String {
        switch self {
        case .pagerDuty: "PagerDuty"
        case .opsgenie: "Opsgenie"
        case .slack: "Slack"
        }
    }

    /// The request that tells this receiver about `notice`.
    public func request(for notice: IncidentNotice) -> (url: URL, headers: [String: String], body: Value) {
        let incident = notice.incident
        switch self {
        case .pagerDuty(let url, let routingKey):
            guard notice.event == .opened else {
                return (
                    url, [:],
                    .map([
                        "routing_key": .string(routingKey), "event_action": .string("resolve"),
                        "dedup_key": .string(notice.dedupKey),
                    ])
                )
            }
            let severity =
                switch incident.severity {
                case .critical: "critical"
                case .major: "error"
                case .minor: "warning"
                }
            return (
                url, [:],
                .map([
                    "routing_key": .string(routingKey), "event_action": .string("trigger"), "dedup_key": .string(notice.dedupKey),
                    "client": .string("Dharma"),
                    "payload": .map([
                        "summary": .string(String("\(incident.stack): \(incident.summary)".prefix(1024))),
                        "source": .string("\(incident.stack)/\(incident.resource)"), "severity": .string(severity),
                        "component": .string(incident.resource), "group": .string(incident.stack.description),
                        "class": .string(incident.symptom.rawValue), "timestamp": .string(Timestamp.iso8601(incident.openedAt)),
                        "custom_details": notice.details,
                    ]),
                ])
            )
        case .opsgenie(let base, let apiKey):
            let headers = ["Authorization": "GenieKey \(apiKey)"]
            guard notice.event == .opened else {
                let alias = notice.dedupKey.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? notice.dedupKey
                let root = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
                let url = URL(string: "\(root)/v2/alerts/\(alias)/close?identifierType=alias") ?? base
                return (url, headers, .map(["source": .string("dharma"), "note": .string(notice.text)]))
            }
            let priority =
                switch incident.severity {
                case .critical: "P1"
                case .major: "P3"
                case .minor: "P5"
                }
            return (
                base.appendingPathComponent("v2/alerts"), headers,
                .map([
                    "message": .string(String("\(incident.stack): \(incident.summary)".prefix(130))), "alias": .string(notice.dedupKey),
                    "description": .string(String(notice.text.prefix(15_000))), "priority": .string(priority), "source": .string("dharma"),
                    "entity": .string(incident.resource),
                    "tags": .list(["dharma", incident.stack.description, incident.symptom.rawValue].map(Value.string)),
                    "details": notice.details,
                ])
            )
        case .slack(let url):
            return (url, [:], .map(["text": .string(notice.text)]))
        }
    }
}

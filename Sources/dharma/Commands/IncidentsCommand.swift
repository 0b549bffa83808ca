import ArgumentParser
import DharmaAutopilot
import DharmaCore
import DharmaService
import DharmaStore
import Foundation

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List what the autopilot found wrong and what it did about it.",
        discussion: """
            Newest first, open and resolved, for the stack chosen with -f or --stack (every stack in the state database when neither is given). `dharma incident ID` shows one incident with its timeline.

            Examples:
              dharma incidents -f examples/webapp.yaml
              dharma incidents --open --json
            """)

    @OptionGroup var selection: StackSelection
    @Flag(help: "Only incidents that are still open.") var open = false
    @Option(help: "At most this many.") var limit = 50
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            let incidents =
                remote.isRemote
                ? try await remote.withService { service in
                    let address = try await service.address(stack: selection.stack, file: selection.file, environment: selection.environment)
                    let report = try await service.incidents(address, openOnly: open)
                    return Array(try RemoteReport.decode([Incident].self, from: report["incidents"] as Any? ?? []).prefix(limit))
                }
                : try await IncidentService(context: .cli).list(selection.selector, openOnly: open, limit: limit)
            if json {
                print(try jsonText(["incidents": incidents]))
                return
            }
            guard !incidents.isEmpty else {
                print(open ? "No open incidents." : "No incidents recorded.")
                return
            }
            let now = Date().timeIntervalSince1970
            print("ID    STATUS    SEVERITY  OPENED                DURATION  RESOURCE          SUMMARY")
            for incident in incidents {
                print(
                    [
                        String(incident.id).padded(5), incident.status.rawValue.padded(9), incident.severity.rawValue.padded(9),
                        Timestamp.iso8601(incident.openedAt).padded(21), humanSeconds(incident.duration(now: now)).padded(9),
                        incident.resource.padded(17), incident.summary,
                    ].joined(separator: " "))
            }
        }
    }
}

struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Show one incident: evidence, suspects, remediations and the timeline.",
        discussion: """
            A remediation that waits for approval (an index for a slow query, unless the database says `heal: {indexes: auto}`) is approved with --approve; the running `dharma up` applies it on its next tick.

            Examples:
              dharma incident 3 -f examples/webapp.yaml
              dharma incident 3 --json
              dharma incident 7 --approve --as alice
            """)

    @Argument(help: "The incident's number, as `dharma incidents` lists it.") var id: Int
    @OptionGroup var selection: StackSelection
    @Flag(help: "Approve the remediation the incident proposes.") var approve = false
    @Option(name: .customLong("as"), help: "Who approves (default: $USER).") var approver: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            let service = IncidentService(context: .cli)
            let incident: Incident
            if remote.isRemote {
                incident = try await remote.withService { service in
                    let address = try await service.address(stack: selection.stack, file: selection.file, environment: selection.environment)
                    return try RemoteReport.decode(Incident.self, from: try await service.incident(id, address, approve: approve).mapValues { $0 ?? NSNull() })
                }
            } else if approve {
                incident = try await service.approve(id, as: approver, selection.selector)
            } else {
                incident = try await service.show(id, selection.selector)
            }
            if approve {
                print("Approved incident \(incident.id)'s remediation: \(IncidentApproval.proposal(of: incident) ?? incident.action.rawValue)")
                return
            }
            if json {
                print(try jsonText(incident))
                return
            }
            let now = Date().timeIntervalSince1970
            print("Incident \(incident.id) — \(incident.status.rawValue), \(incident.severity.rawValue): \(incident.summary)")
            print("  stack:     \(incident.stack)")
            print("  resource:  \(incident.resource) (\(incident.resourceType))")
            print("  symptom:   \(incident.symptom.rawValue); remediation \(incident.action), \(incident.attempts) attempt\(incident.attempts == 1 ? "" : "s")")
            print(
                "  opened:    \(Timestamp.iso8601(incident.openedAt))"
                    + (incident.closedAt.map { "; resolved \(Timestamp.iso8601($0)) after \(humanSeconds($0 - incident.openedAt))" }
                        ?? "; open for \(humanSeconds(now - incident.openedAt)) (\(incident.phase.rawValue))"))
            print("  suspects:  \(incident.suspects.joined(separator: ", "))")
            if let vulnerability = incident.vulnerability {
                print(
                    "  proposed:  \(vulnerability.proposal)"
                        + (incident.approvedBy.map { " (approved by \($0))" } ?? (incident.isOpen && incident.attempts == 0 ? " (awaiting approval)" : "")))
            }
            if let query = incident.slowQuery {
                print("  query:     \(query.query)")
                print(
                    "  proposed:  \(query.proposal.createStatement)"
                        + (incident.approvedBy.map { " (approved by \($0))" } ?? (incident.isOpen && incident.attempts == 0 ? " (awaiting approval)" : "")))
            }
            print("Timeline:")
            for event in incident.timeline {
                print("  +\(humanSeconds(event.time - incident.openedAt).padded(8)) \(event.kind.rawValue.padded(10)) \(event.text)")
            }
        }
    }
}

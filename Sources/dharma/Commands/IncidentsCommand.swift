import ArgumentParser
import DharmaAutopilot
import DharmaCore
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

    func run() async throws {
        try await runReporting {
            guard limit > 0 else { throw CLIFailure(message: "--limit \(limit): give a positive number", code: Exit.invalidInput) }
            let (book, stack) = try await IncidentReading.open(selection)
            let incidents = try await book.incidents(stack: stack, openOnly: open, limit: limit)
            if json {
                print(try IncidentReading.json(["incidents": incidents]))
                return
            }
            guard !incidents.isEmpty else {
                print(open ? "No open incidents." : "No incidents recorded.")
                return
            }
            let now = Date().timeIntervalSince1970
            print("ID    STATUS    SEVERITY  OPENED                DURATION  RESOURCE          SUMMARY")
            for incident in incidents {
                print([String(incident.id).padded(5), incident.status.rawValue.padded(9), incident.severity.rawValue.padded(9),
                       Timestamp.iso8601(incident.openedAt).padded(21), IncidentReading.seconds(incident.duration(now: now)).padded(9),
                       incident.resource.padded(17), incident.summary].joined(separator: " "))
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

    func run() async throws {
        try await runReporting {
            let (book, _) = try await IncidentReading.open(selection)
            guard var incident = try await book.incident(id: id) else {
                throw CLIFailure(message: "there is no incident \(id); `dharma incidents` lists them", code: Exit.invalidInput)
            }
            if approve {
                try await IncidentApproval.approve(&incident, as: approver, book: book, engine: try selection.engine())
                print("Approved incident \(incident.id)'s remediation: \(incident.slowQuery?.proposal.createStatement ?? incident.vulnerability?.proposal ?? incident.action.rawValue)")
                return
            }
            if json {
                print(try IncidentReading.json(incident))
                return
            }
            let now = Date().timeIntervalSince1970
            print("Incident \(incident.id) — \(incident.status.rawValue), \(incident.severity.rawValue): \(incident.summary)")
            print("  stack:     \(incident.stack)")
            print("  resource:  \(incident.resource) (\(incident.resourceType))")
            print("  symptom:   \(incident.symptom.rawValue); remediation \(incident.action), \(incident.attempts) attempt\(incident.attempts == 1 ? "" : "s")")
            print("  opened:    \(Timestamp.iso8601(incident.openedAt))"
                + (incident.closedAt.map { "; resolved \(Timestamp.iso8601($0)) after \(IncidentReading.seconds($0 - incident.openedAt))" }
                    ?? "; open for \(IncidentReading.seconds(now - incident.openedAt)) (\(incident.phase.rawValue))"))
            print("  suspects:  \(incident.suspects.joined(separator: ", "))")
            if let vulnerability = incident.vulnerability {
                print("  proposed:  \(vulnerability.proposal)"
                    + (incident.approvedBy.map { " (approved by \($0))" } ?? (incident.isOpen && incident.attempts == 0 ? " (awaiting approval)" : "")))
            }
            if let query = incident.slowQuery {
                print("  query:     \(query.query)")
                print("  proposed:  \(query.proposal.createStatement)"
                    + (incident.approvedBy.map { " (approved by \($0))" } ?? (incident.isOpen && incident.attempts == 0 ? " (awaiting approval)" : "")))
            }
            print("Timeline:")
            for event in incident.timeline {
                print("  +\(IncidentReading.seconds(event.time - incident.openedAt).padded(8)) \(event.kind.rawValue.padded(10)) \(event.text)")
            }
        }
    }
}

/// What the incident commands share: opening the book read-only, and formatting.
enum IncidentReading {
    static func open(_ selection: StackSelection) async throws -> (IncidentBook, StackID?) {
        let engine = try selection.engine()
        guard let store = engine.store as? any IncidentStore else {
            throw CLIFailure(message: "this state store keeps no incidents", code: Exit.failure)
        }
        let stack = selection.file != nil || selection.stack != nil ? try await selection.resolve(engine) : nil
        return (IncidentBook(store: store), stack)
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func seconds(_ value: Double) -> String {
        switch value {
        case ..<10: String(format: "%.1f s", value)
        case ..<120: "\(Int(value.rounded())) s"
        case ..<7200: "\(Int((value / 60).rounded())) min"
        default: String(format: "%.1f h", value / 3600)
        }
    }
}

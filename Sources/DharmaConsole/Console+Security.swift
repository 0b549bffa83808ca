import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct SecurityDashboard {
    struct SeverityCount {
        var severity: String
        var count: Int
    }
    struct Finding {
        var stack: String
        var stackURL: String
        var runURL: String
        var severity: String
        var rule: String
        var title: String
        var resource: String
        var remediation: String
    }
    struct ExpiringWaiver {
        var stack: String
        var rule: String
        var resource: String
        var approver: String
        var expires: String
        /// `in 3 days`, `today`: how soon the failure it covers starts to count.
        var due: String
        var justification: String
    }
    struct Denial {
        var time: String
        var organisation: String
        var actor: String
        var reason: String
    }
    struct Rotation {
        var time: String
        var organisation: String
        var actor: String
        var reason: String
    }
    struct Witness {
        var organisation: String
        var name: String
        var cosigned: String
        var status: String
        var healthy: Bool
    }
    var severities: [SeverityCount]
    var findings: [Finding]
    var noFindings: Bool
    var waivers: [ExpiringWaiver]
    var noWaivers: Bool
    var denials: [Denial]
    var noDenials: Bool
    /// Said when the person administers no organisation, so denials are not theirs to see.
    var denialsHidden: Bool
    var rotations: [Rotation]
    var noRotations: Bool
    var witnesses: [Witness]
    var noWitnesses: Bool
}

/// The security dashboard: failed policy checks by severity (from each stack's newest checked
/// plan), waivers that lapse within 30 days, requests refused in the organisations the person
/// administers (last 7 days), audit key rotations and each witness's cosigning.
extension Console {
    static let waiverHorizonDays = 30

    func securityDashboard() async throws -> Response {
        let (tenants, runs, session) = try acting()
        var counts: [FindingSeverity: Int] = [:]
        var findings: [SecurityDashboard.Finding] = []
        var waivers: [SecurityDashboard.ExpiringWaiver] = []
        let today = Self.day(Date())
        for (organisation, stack) in try await readableStacks() {
            let recent = try await runs.runs(of: stack.reference, in: organisation, PageRequest(limit: 20)).items
            guard let checked = recent.first(where: { $0.policyFindings != nil }) else { continue }
            let stackURL = "/console/orgs/\(organisation)/stacks/\(stack.reference)"
            for finding in checked.policyFindings ?? [] {
                if let waiver = finding.waiver {
                    guard let days = Self.days(from: today, to: waiver.expires), days <= Self.waiverHorizonDays else { continue }
                    waivers.append(
                        .init(
                            stack: "\(organisation)/\(stack.reference)", rule: finding.rule, resource: finding.resource, approver: waiver.approver,
                            expires: waiver.expires, due: days <= 0 ? "today" : days == 1 ? "tomorrow" : "in \(days) days",
                            justification: waiver.justification))
                    continue
                }
                counts[finding.severity, default: 0] += 1
                findings.append(
                    .init(
                        stack: "\(organisation)/\(stack.reference)", stackURL: stackURL, runURL: "/console/orgs/\(organisation)/runs/\(checked.id)",
                        severity: finding.severity.rawValue, rule: finding.rule, title: finding.title, resource: finding.resource,
                        remediation: finding.remediation))
            }
        }
        findings.sort { (FindingSeverity(rawValue: $0.severity) ?? .info, $1.stack) > (FindingSeverity(rawValue: $1.severity) ?? .info, $0.stack) }
        waivers.sort { $0.expires < $1.expires }

        var denials: [SecurityDashboard.Denial] = []
        var rotations: [SecurityDashboard.Rotation] = []
        var witnesses: [SecurityDashboard.Witness] = []
        let administered = session.principal.memberships.keys.sorted().filter { session.principal.scoped(to: $0).may(.administer) }
        let week = Date().timeIntervalSince1970 - 7 * 86_400
        for organisation in administered {
            denials += try await tenants.deniedRequests(in: organisation, since: week).reversed().prefix(50).map {
                .init(time: $0.time, organisation: organisation, actor: $0.actor, reason: $0.reason)
            }
        }
        for organisation in session.principal.memberships.keys.sorted() where session.principal.scoped(to: organisation).may(.read) {
            let scope = try await tenants.auditScope(organisation, .read, to: "read the audit log")
            let log = try await AuditService(context: scope.context).log(scope.selector, filter: .init())
            rotations += log.filter { $0.action == "key-rotate" }.reversed().prefix(20).map {
                .init(time: $0.time, organisation: organisation, actor: $0.actor, reason: $0.reason)
            }
            let size = UInt64(log.count)
            witnesses += try await tenants.witnesses(of: organisation).map { witness in
                let healthy = witness.lastError == nil && witness.cosignedSize > 0
                return .init(
                    organisation: organisation, name: witness.name, cosigned: "\(witness.cosignedSize) of \(size) entries",
                    status: witness.lastError.map { "failing: \($0)" } ?? (witness.cosignedSize == 0 ? "has not cosigned yet" : "cosigning"),
                    healthy: healthy)
            }
        }
        let view = SecurityDashboard(
            severities: FindingSeverity.allCases.reversed().map { .init(severity: $0.rawValue, count: counts[$0, default: 0]) },
            findings: Array(findings.prefix(100)), noFindings: findings.isEmpty, waivers: waivers, noWaivers: waivers.isEmpty, denials: denials,
            noDenials: denials.isEmpty, denialsHidden: administered.isEmpty, rotations: rotations, noRotations: rotations.isEmpty,
            witnesses: witnesses, noWitnesses: witnesses.isEmpty)
        return pages.render(.security, title: "Security", view)
    }

    /// `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }

    /// Whole days from one `YYYY-MM-DD` to another; nil when either is not a date.
    static func days(from start: String, to end: String) -> Int? {
        let format = Date.ISO8601FormatStyle().year().month().day()
        guard let from = try? format.parse(start), let to = try? format.parse(end) else { return nil }
        return Int((to.timeIntervalSince(from) / 86_400).rounded())
    }
}

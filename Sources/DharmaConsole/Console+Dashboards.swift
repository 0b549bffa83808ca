import DharmaAutopilot
import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct DeveloperDashboard {
    var runs: [RunLink]
    var failures: [RunLink]
    var stacks: [String]
    var noRuns: Bool
    var noFailures: Bool
}

struct OperationsDashboard {
    struct Stack {
        var organisation: String
        var ref: String
        var url: String
        var health: Int?
        var availability: String?
        var open: Int
        var resolved: Int
        var escalated: Int
        /// Mean time to resolve, over the incidents resolved in the window.
        var mttr: String?
    }
    var stacks: [Stack]
    var openIncidents: [IncidentRow]
    var totalOpen: Int
    var mttr: String?
    var none: Bool
    var noOpen: Bool
}

/// Dashboards built from what the service layer already records: a developer's own runs and
/// failures, and operations' health, open incidents and time to resolve across the stacks the
/// signed-in person can read.
extension Console {
    /// The organisations the person belongs to and may read, by name.
    func readableOrganisations() throws -> [String] {
        let session = try acting().session
        return session.principal.memberships.keys.sorted().filter { session.principal.scoped(to: $0).may(.read) }
    }

    /// Every stack of every organisation the person belongs to, with its organisation.
    func readableStacks() async throws -> [(organisation: String, stack: ManagedStack)] {
        let (tenants, _, _) = try acting()
        var stacks: [(String, ManagedStack)] = []
        for organisation in try readableOrganisations() {
            stacks += try await tenants.stacks(in: organisation, project: nil, PageRequest(limit: 200)).items.map { (organisation, $0) }
        }
        return stacks
    }

    func developerDashboard() async throws -> Response {
        let (_, runs, session) = try acting()
        var mine: [Run] = []
        var touched: Set<String> = []
        for (organisation, stack) in try await readableStacks() {
            let recent = try await runs.runs(of: stack.reference, in: organisation, PageRequest(limit: 50)).items.filter { $0.actor == session.principal.name }
            if !recent.isEmpty { touched.insert("\(organisation)/\(stack.reference)") }
            mine += recent
        }
        mine.sort { $0.createdAt > $1.createdAt }
        let failures = mine.filter { $0.state == .errored }.prefix(10).map { Self.link($0) }
        let view = DeveloperDashboard(
            runs: mine.prefix(20).map { Self.link($0) }, failures: Array(failures), stacks: touched.sorted(), noRuns: mine.isEmpty,
            noFailures: failures.isEmpty)
        return pages.render(.developer, title: "My work", view)
    }

    func operationsDashboard() async throws -> Response {
        let (tenants, _, _) = try acting()
        let service = ManagedStackService(tenants: tenants)
        let window = Date().timeIntervalSince1970 - 30 * 86_400
        var rows: [OperationsDashboard.Stack] = []
        var open: [IncidentRow] = []
        var durations: [Double] = []
        var running: [String: Set<StackID>] = [:]
        var incidentsByStack: [String: [StackID: [Incident]]] = [:]
        for (organisation, stack) in try await readableStacks() {
            if running[organisation] == nil {
                running[organisation] = try await tenants.stacksWithResources(in: organisation)
                // One query of the organisation's incidents, not one per stack.
                incidentsByStack[organisation] = Dictionary(grouping: try await tenants.incidents(in: organisation), by: \.stack)
            }
            let incidents = incidentsByStack[organisation]?[stack.stack] ?? []
            let resolved = incidents.filter { $0.status == .resolved && ($0.closedAt ?? 0) >= window }
            let times = resolved.compactMap { incident in incident.closedAt.map { $0 - incident.openedAt } }
            durations += times
            // A stack with nothing running has no health to score; it is listed without one.
            let health = running[organisation]?.contains(stack.stack) == true ? try? await service.health(stack.reference, in: organisation).score : nil
            rows.append(
                .init(
                    organisation: organisation, ref: stack.reference, url: "/console/orgs/\(organisation)/stacks/\(stack.reference)",
                    health: health?.score, availability: health?.availability.map { String(format: "%.3f %%", $0 * 100) },
                    open: incidents.filter(\.isOpen).count, resolved: resolved.count,
                    escalated: incidents.filter { $0.status == .escalated && $0.openedAt >= window }.count, mttr: Self.mean(times)))
            open += incidents.filter { $0.status == .open }.map { Self.row($0, organisation, stack.reference) }
        }
        let view = OperationsDashboard(
            stacks: rows, openIncidents: open, totalOpen: open.count, mttr: Self.mean(durations), none: rows.isEmpty, noOpen: open.isEmpty)
        return pages.render(.operations, title: "Operations", view)
    }

    /// A mean duration in words, or nil for none.
    static func mean(_ seconds: [Double]) -> String? {
        guard !seconds.isEmpty else { return nil }
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        return mean < 120 ? String(format: "%.0f s", mean) : mean < 7200 ? String(format: "%.1f min", mean / 60) : String(format: "%.1f h", mean / 3600)
    }
}

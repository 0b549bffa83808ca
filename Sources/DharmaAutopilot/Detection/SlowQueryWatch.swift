import DharmaCore
import DharmaProviders
import Foundation

/// Watches the statement statistics of every PostgreSQL server the local runtime runs, and
/// reports a query that is slow because it scans a table an index would serve. Looks every
/// few seconds (each look runs `psql`); between looks it reports what the last one found.
struct SlowQueryWatch {
    /// Seconds between looks at one server.
    var interval: Double = 5
    /// A statement needs this many calls before its mean counts.
    var minimumCalls = 5
    private var lastLook: [String: Double] = [:]
    private var found: [String: Symptom] = [:]
    /// Queries whose index was rolled back: not proposed again by this run.
    private var rejected: Set<String> = []

    /// What one look at one server found.
    struct Look: Sendable {
        var resource: String
        var symptom: Symptom?
    }

    /// The servers due for a look, with their slow-query threshold in milliseconds.
    mutating func due(in recorded: StackState, at now: Double) -> [(state: ResourceState, thresholdMilliseconds: Double)] {
        var due: [(ResourceState, Double)] = []
        for state in recorded.resources.values.sorted(by: { $0.name < $1.name }) where PostgresClient(state) != nil {
            let heal = state.inputs["heal"]?.mapValue ?? [:]
            guard heal["indexes"]?.stringValue != "off" else { continue }
            guard now - (lastLook[state.name] ?? -.infinity) >= interval else { continue }
            lastLook[state.name] = now
            due.append((state, 1000 * (Units.seconds(heal["slowQuery"] ?? .string("100ms")) ?? 0.1)))
        }
        return due
    }

    /// Asks one server for its slowest statement above the threshold that an index would serve;
    /// `skipping` are queries already being handled.
    static func look(at state: ResourceState, thresholdMilliseconds: Double, minimumCalls: Int, skipping: Set<String>) async -> Look {
        guard let client = PostgresClient(state),
            let statements = try? await client.statements(minimumCalls: minimumCalls)
        else { return Look(resource: state.name) }
        for statement in statements where statement.meanMilliseconds >= thresholdMilliseconds && !skipping.contains(statement.queryID) {
            guard let plan = try? await client.genericPlan(of: statement.query),
                let scan = IndexAdvisor.sequentialScans(inPlan: plan).first
            else { continue }
            let distinct = (try? await client.distinctValues(schema: scan.schema, table: scan.table)) ?? [:]
            guard let proposal = IndexAdvisor.propose(scan, distinctValues: distinct) else { continue }
            var symptom = Symptom(
                kind: .slowQuery, resource: state.name, resourceType: state.type,
                diff: [
                    AttributeDiff(
                        attribute: "query[\(statement.queryID)].mean", old: .string("< \(SlowQuery.milliseconds(thresholdMilliseconds))"),
                        new: .string(SlowQuery.milliseconds(statement.meanMilliseconds)))
                ])
            symptom.slowQuery = SlowQuery(
                queryID: statement.queryID, query: statement.query, calls: statement.calls,
                meanMilliseconds: statement.meanMilliseconds, proposal: proposal)
            return Look(resource: state.name, symptom: symptom)
        }
        return Look(resource: state.name)
    }

    mutating func record(_ looks: [Look]) {
        for look in looks { found[look.resource] = look.symptom }
    }

    /// The slow queries as of the latest looks, of servers still in the stack.
    func symptoms(in recorded: StackState) -> [Symptom] {
        found.filter { recorded.resources[$0.key] != nil }.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Queries not to look at: rolled back ones and those being handled.
    func skipped(adding handled: Set<String>) -> Set<String> {
        rejected.union(handled)
    }

    /// Forgets what was found on `resource` (its query is now being handled) and, when the index
    /// did not help, never proposes it again.
    mutating func handled(_ resource: String, rejecting queryID: String? = nil) {
        found[resource] = nil
        if let queryID { rejected.insert(queryID) }
    }
}

import Foundation

/// What pg_stat_statements knows about one normalised statement since its counters were last reset.
public struct StatementStatistics: Sendable, Hashable, Decodable {
    /// pg_stat_statements' `queryid`, as text (a 64-bit value JSON numbers cannot carry).
    public var queryID: String
    /// Normalised text: constants replaced by `$1`, `$2`….
    public var query: String
    public var calls: Int
    public var meanMilliseconds: Double
    public var totalMilliseconds: Double

    enum CodingKeys: String, CodingKey {
        case queryID = "queryid", query, calls, meanMilliseconds = "mean_ms", totalMilliseconds = "total_ms"
    }

    public init(queryID: String, query: String, calls: Int, meanMilliseconds: Double, totalMilliseconds: Double) {
        self.queryID = queryID
        self.query = query
        self.calls = calls
        self.meanMilliseconds = meanMilliseconds
        self.totalMilliseconds = totalMilliseconds
    }
}

/// Reading the statement statistics and plans the autopilot's index advice is made from.
extension PostgresClient {
    /// This database's SELECT statements with at least `minimumCalls` calls, the most time-consuming
    /// first. Dharma's own statements (run as application `dharma`) are left out.
    public func statements(minimumCalls: Int) async throws(Failure) -> [StatementStatistics] {
        try await rows(
            """
            SELECT s.queryid::text AS queryid, s.query, s.calls, s.mean_exec_time AS mean_ms, s.total_exec_time AS total_ms
            FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s.toplevel AND s.calls >= \(minimumCalls)
              AND s.query ~* '^\\s*select\\s' AND s.query !~* 'pg_stat_statements|pg_catalog\\.|dharma_probe'
            ORDER BY s.total_exec_time DESC
            """, as: StatementStatistics.self)
    }

    /// The counters of one statement since they were last reset, or nil when it has not run since.
    public func statement(queryID: String) async throws(Failure) -> StatementStatistics? {
        guard Int64(queryID) != nil else { throw Failure(description: "`\(queryID)` is not a pg_stat_statements query id") }
        return try await rows(
            """
            SELECT s.queryid::text AS queryid, s.query, s.calls, s.mean_exec_time AS mean_ms, s.total_exec_time AS total_ms
            FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.toplevel AND s.queryid = \(queryID)
            """, as: StatementStatistics.self
        ).first
    }

    /// Starts one statement's counters afresh, so its mean reflects only what runs from now on.
    public func resetStatistics(queryID: String) async throws(Failure) {
        guard Int64(queryID) != nil else { throw Failure(description: "`\(queryID)` is not a pg_stat_statements query id") }
        try await execute("SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), \(queryID));")
    }

    /// The generic plan of a normalised statement (`EXPLAIN (FORMAT JSON, VERBOSE)`), whatever
    /// values its parameters take. Nothing is executed: the statement is prepared and explained.
    public func genericPlan(of query: String) async throws(Failure) -> String {
        let parameters = Self.parameterCount(query)
        let arguments = parameters == 0 ? "" : "(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
        return try await execute(
            """
            SET plan_cache_mode = force_generic_plan;
            PREPARE dharma_probe AS \(query);
            EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE dharma_probe\(arguments);
            """)
    }

    /// The highest `$n` in a normalised statement.
    static func parameterCount(_ query: String) -> Int {
        var highest = 0
        var characters = query.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            guard character == "$" else { continue }
            var digits = ""
            while let next = pending, next.isASCII, next.isNumber {
                digits.append(next)
                pending = characters.next()
            }
            highest = max(highest, Int(digits) ?? 0)
        }
        return highest
    }
}

/// What the planner's statistics say about a table's columns.
extension PostgresClient {
    private struct ColumnDistinct: Decodable {
        var column: String
        var distinct: Double
    }

    /// Distinct values per column (pg_stats' n_distinct, fractions turned into counts); empty
    /// until the table has been analysed.
    public func distinctValues(schema: String, table: String) async throws(Failure) -> [String: Double] {
        let rows = try await rows(
            """
            SELECT s.attname AS column,
                   CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * greatest(c.reltuples, 0) ELSE s.n_distinct END AS distinct
            FROM pg_stats s
            JOIN pg_namespace n ON n.nspname = s.schemaname
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
            WHERE s.schemaname = \(Self.literal(schema)) AND s.tablename = \(Self.literal(table))
            """, as: ColumnDistinct.self)
        return Dictionary(rows.map { ($0.column, $0.distinct) }, uniquingKeysWith: max)
    }
}

/// Everything one state database keeps — a stack's state and locks, the audit log, incidents and
/// metrics — whichever database keeps it: `SQLiteStore` (a file) or `PostgresStore` (a schema
/// of a shared PostgreSQL database).
public protocol StateStore: Store, AuditStore, IncidentStore, MetricsStore {
    /// Where the store is, for messages: a file path or a redacted URL and schema.
    var location: String { get }
}

extension SQLiteStore: StateStore {
    public var location: String { path }
}

extension PostgresStore: StateStore {
    public var location: String { "\(pool.settings) (schema \(schema))" }
}

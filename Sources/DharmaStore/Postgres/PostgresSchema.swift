import PostgresNIO

/// The state store's tables in PostgreSQL, as numbered migrations applied in order, each in a
/// transaction of its own and recorded in `schema_migrations`. Never edit a shipped migration;
/// add the next one. Each store lives in a schema (namespace) of its own — one per organisation on
/// a server — so a tenant's rows are out of another's queries by construction, as with SQLite's
/// file per organisation.
enum PostgresSchema {
    static let migrations: [(id: String, sql: String)] = [
        (
            "v1-state",
            """
            CREATE TABLE stacks (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              name text NOT NULL,
              environment text NOT NULL,
              serial bigint NOT NULL DEFAULT 0,
              outputs text NOT NULL DEFAULT '{}',
              created_at double precision NOT NULL,
              updated_at double precision NOT NULL,
              UNIQUE (name, environment)
            );
            CREATE TABLE resources (
              stack_id bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
              name text NOT NULL,
              type text NOT NULL,
              provider text NOT NULL,
              region text NOT NULL,
              inputs text NOT NULL,
              outputs text NOT NULL,
              dependencies text NOT NULL,
              lifecycle text NOT NULL,
              updated_at double precision NOT NULL,
              PRIMARY KEY (stack_id, name)
            );
            CREATE TABLE state_versions (
              stack_id bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
              version bigint NOT NULL,
              serial bigint NOT NULL,
              created_at double precision NOT NULL,
              operation text,
              summary text NOT NULL,
              snapshot text NOT NULL,
              PRIMARY KEY (stack_id, version)
            );
            CREATE TABLE locks (
              stack_id bigint PRIMARY KEY REFERENCES stacks(id) ON DELETE CASCADE,
              pid integer NOT NULL,
              host text NOT NULL,
              operation text NOT NULL,
              acquired_at double precision NOT NULL
            );
            CREATE TABLE stack_keys (
              stack_id bigint PRIMARY KEY REFERENCES stacks(id) ON DELETE CASCADE,
              key_id text NOT NULL,
              sealed bytea NOT NULL,
              created_at double precision NOT NULL
            );
            """
        ),
        (
            "v1-audit",
            """
            CREATE TABLE audit_entries (
              seq bigint PRIMARY KEY,
              time double precision NOT NULL,
              actor text NOT NULL,
              action text NOT NULL,
              stack text NOT NULL,
              body text NOT NULL,
              leaf_hash bytea NOT NULL
            );
            CREATE INDEX audit_entries_stack ON audit_entries (stack, seq);
            CREATE TABLE audit_nodes (
              level integer NOT NULL,
              idx bigint NOT NULL,
              hash bytea NOT NULL,
              PRIMARY KEY (level, idx)
            );
            CREATE TABLE audit_checkpoints (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              size bigint NOT NULL,
              note text NOT NULL,
              created_at double precision NOT NULL
            );
            """
        ),
        (
            "v1-metrics",
            """
            CREATE TABLE metric_chunks (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              series text NOT NULL,
              resolution text NOT NULL,
              first_time bigint NOT NULL,
              last_time bigint NOT NULL,
              count integer NOT NULL,
              data bytea NOT NULL
            );
            CREATE INDEX metric_chunks_series ON metric_chunks (series text_pattern_ops, resolution, last_time);
            CREATE INDEX metric_chunks_time ON metric_chunks (resolution, last_time);
            """
        ),
        (
            "v1-incidents",
            """
            CREATE TABLE incidents (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              stack text NOT NULL,
              resource text NOT NULL,
              symptom text NOT NULL,
              status text NOT NULL,
              opened_at double precision NOT NULL,
              updated_at double precision NOT NULL,
              closed_at double precision,
              body text NOT NULL
            );
            CREATE INDEX incidents_stack ON incidents (stack, status, id);
            CREATE TABLE remediation_outcomes (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              stack text NOT NULL,
              symptom text NOT NULL,
              action text NOT NULL,
              succeeded boolean NOT NULL,
              seconds double precision NOT NULL,
              time double precision NOT NULL
            );
            """
        ),
    ]

    /// A schema name Dharma accepts: it is written into statements, so only these characters.
    static func validate(_ schema: String) throws(StoreError) {
        guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw StoreError("`\(schema)` is not a usable PostgreSQL schema name (lower-case letters, digits and _, at most 63)")
        }
    }

    /// Brings `schema` to the newest migration. Replicas starting together take turns: each
    /// migration runs under a transaction-scoped advisory lock on the schema's name.
    static func migrate(_ schema: String, in pool: PostgresPool) async throws {
        try await pool.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema)))", logger: PostgresPool.quiet)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: PostgresPool.quiet)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (id text PRIMARY KEY, applied_at double precision NOT NULL)"),
                logger: PostgresPool.quiet)
            var applied: Set<String> = []
            for try await id in try await connection.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(schema).schema_migrations"), logger: PostgresPool.quiet)
                .decode(String.self)
            {
                applied.insert(id)
            }
            for migration in migrations where !applied.contains(migration.id) {
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema)"), logger: PostgresPool.quiet)
                // One statement at a time: the extended protocol takes no more.
                for statement in migration.sql.split(separator: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: PostgresPool.quiet)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema).schema_migrations (id, applied_at) VALUES (\(migration.id), \(Timestamp.now()))",
                    logger: PostgresPool.quiet)
            }
        }
    }
}

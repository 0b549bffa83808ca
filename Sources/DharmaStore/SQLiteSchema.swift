import GRDB

/// The schema, as numbered migrations. Never edit a shipped migration; add the next one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE stacks (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL,
                      environment TEXT NOT NULL,
                      serial INTEGER NOT NULL DEFAULT 0,
                      outputs TEXT NOT NULL DEFAULT '{}',
                      created_at REAL NOT NULL,
                      updated_at REAL NOT NULL,
                      UNIQUE (name, environment)
                    );
                    CREATE TABLE resources (
                      stack_id INTEGER NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
                      name TEXT NOT NULL,
                      type TEXT NOT NULL,
                      provider TEXT NOT NULL,
                      region TEXT NOT NULL,
                      inputs TEXT NOT NULL,
                      outputs TEXT NOT NULL,
                      dependencies TEXT NOT NULL,
                      lifecycle TEXT NOT NULL,
                      updated_at REAL NOT NULL,
                      PRIMARY KEY (stack_id, name)
                    );
                    CREATE TABLE state_versions (
                      stack_id INTEGER NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
                      version INTEGER NOT NULL,
                      serial INTEGER NOT NULL,
                      created_at REAL NOT NULL,
                      summary TEXT NOT NULL,
                      snapshot TEXT NOT NULL,
                      PRIMARY KEY (stack_id, version)
                    );
                    CREATE TABLE locks (
                      stack_id INTEGER PRIMARY KEY REFERENCES stacks(id) ON DELETE CASCADE,
                      pid INTEGER NOT NULL,
                      host TEXT NOT NULL,
                      operation TEXT NOT NULL,
                      acquired_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_entries (
                      seq INTEGER PRIMARY KEY,
                      time REAL NOT NULL,
                      actor TEXT NOT NULL,
                      action TEXT NOT NULL,
                      stack TEXT NOT NULL,
                      body TEXT NOT NULL,
                      leaf_hash BLOB NOT NULL
                    );
                    CREATE INDEX audit_entries_stack ON audit_entries (stack, seq);
                    CREATE TABLE audit_nodes (
                      level INTEGER NOT NULL,
                      idx INTEGER NOT NULL,
                      hash BLOB NOT NULL,
                      PRIMARY KEY (level, idx)
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_checkpoints (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      size INTEGER NOT NULL,
                      note TEXT NOT NULL,
                      created_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-metrics") { db in
            try db.execute(
                sql: """
                    CREATE TABLE metric_chunks (
                      series TEXT NOT NULL,
                      resolution TEXT NOT NULL DEFAULT 'raw',
                      first_time INTEGER NOT NULL,
                      last_time INTEGER NOT NULL,
                      count INTEGER NOT NULL,
                      data BLOB NOT NULL
                    );
                    CREATE INDEX metric_chunks_series ON metric_chunks (series, resolution, last_time);
                    CREATE INDEX metric_chunks_time ON metric_chunks (resolution, last_time);
                    """)
        }
        migrator.registerMigration("v4-incidents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE incidents (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      stack TEXT NOT NULL,
                      resource TEXT NOT NULL,
                      symptom TEXT NOT NULL,
                      status TEXT NOT NULL,
                      opened_at REAL NOT NULL,
                      updated_at REAL NOT NULL,
                      closed_at REAL,
                      body TEXT NOT NULL
                    );
                    CREATE INDEX incidents_stack ON incidents (stack, status, id);
                    CREATE TABLE remediation_outcomes (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      stack TEXT NOT NULL,
                      symptom TEXT NOT NULL,
                      action TEXT NOT NULL,
                      succeeded INTEGER NOT NULL,
                      seconds REAL NOT NULL,
                      time REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v5-version-operation") { db in
            // Which operation made each version, as a value: the autopilot used to tell a destroy
            // by the prefix of the summary line. Rows written before keep that prefix, so it
            // fills the column once (a replica restart was a remediation; NULL where the prefix
            // names no operation).
            try db.execute(
                sql: """
                    ALTER TABLE state_versions ADD COLUMN operation TEXT;
                    UPDATE state_versions SET operation = (
                      WITH named(prefix) AS (SELECT substr(summary, 1, instr(summary, ':') - 1))
                      SELECT CASE WHEN prefix = 'restart' THEN 'remediate'
                                  WHEN prefix IN ('apply', 'destroy', 'up', 'remediate', 'scale-in', 'patch', 'rollback') THEN prefix END
                      FROM named);
                    """)
        }
        migrator.registerMigration("v6-sealed-secrets") { db in
            // Each stack's data key, sealed to the key pair in keys/sealing.key (by its id).
            try db.execute(
                sql: """
                    CREATE TABLE stack_keys (
                      stack_id INTEGER PRIMARY KEY REFERENCES stacks(id) ON DELETE CASCADE,
                      key_id TEXT NOT NULL,
                      sealed BLOB NOT NULL,
                      created_at REAL NOT NULL
                    );
                    CREATE TABLE store_settings (
                      name TEXT PRIMARY KEY,
                      value TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }
}

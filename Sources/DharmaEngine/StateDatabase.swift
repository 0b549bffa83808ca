import DharmaSecurity
import DharmaStore
import Foundation

/// How every caller opens a state database: SQLite at the path, its sensitive values sealed to
/// the X-Wing key pair in `keys/sealing.key` beside it (made on first use, mode 0600); or a
/// schema of a PostgreSQL database, sealed to the key pair in the state directory's `keys/`.
public enum StateDatabase {
    public static func open(_ path: String) throws -> SQLiteStore {
        let directory = (path as NSString).deletingLastPathComponent
        let keys = URL(fileURLWithPath: directory.isEmpty ? "." : directory).standardizedFileURL.path + "/keys"
        return try SQLiteStore(path: path, sealer: SealingKeys(directory: keys))
    }

    public static func open(_ settings: PostgresSettings, schema: String, stateDirectory: String) throws -> PostgresStore {
        try PostgresStore(pool: PostgresPool.shared(settings), schema: schema, sealer: SealingKeys(directory: stateDirectory + "/keys"))
    }
}

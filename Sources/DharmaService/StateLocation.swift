import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaStore
import Foundation

/// Where a stack's state lives: a SQLite database, with the stack's runtime files beside it
/// (audit keys, logs, the internal CA, the chaos journal) — or, with `--database postgres://…`
/// or `DHARMA_DATABASE`, a schema of a PostgreSQL database, the runtime files staying in the
/// directory the SQLite file would be in.
public struct StateLocation: Sendable, Hashable {
    public var databasePath: String
    /// A postgres:// URL, as given; nil for SQLite at `databasePath`.
    public var database: String?
    /// Where `database` came from, for errors: `--database` or `DHARMA_DATABASE`.
    var databaseSource = "--database"
    /// The PostgreSQL schema the stacks live in.
    public var schema = "dharma"
    /// `PGPASSWORD`, libpq's way to keep the password out of the URL (and so out of `ps`).
    var environmentPassword: String?

    public init(databasePath: String, database: String? = nil) {
        self.databasePath = databasePath
        self.database = database
    }

    /// `--state` when given, else `$DHARMA_STATE`, else `.dharma/dharma.db` next to the
    /// blueprint (or in the current directory); PostgreSQL when `--database` or
    /// `$DHARMA_DATABASE` names one.
    public static func resolve(explicit: String?, blueprint: String?, environment: [String: String], database: String? = nil) -> StateLocation {
        var location: StateLocation
        if let explicit {
            location = StateLocation(databasePath: explicit)
        } else if let fromEnvironment = environment["DHARMA_STATE"], !fromEnvironment.isEmpty {
            location = StateLocation(databasePath: fromEnvironment)
        } else {
            let directory = blueprint.map { ($0 as NSString).deletingLastPathComponent } ?? ""
            location = StateLocation(databasePath: ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".dharma/dharma.db"))
        }
        location.environmentPassword = environment["PGPASSWORD"]
        if let database, !database.isEmpty {
            location.database = database
        } else if let fromEnvironment = environment["DHARMA_DATABASE"], !fromEnvironment.isEmpty {
            location.database = fromEnvironment
            location.databaseSource = "DHARMA_DATABASE"
        }
        return location
    }

    /// The directory of the database, absolute.
    public var directory: String {
        let relative = (databasePath as NSString).deletingLastPathComponent
        return URL(fileURLWithPath: relative.isEmpty ? "." : relative).standardizedFileURL.path
    }

    /// Whether there is recorded state to read; a PostgreSQL schema is made on first use, so
    /// it always counts as there.
    public var exists: Bool { database != nil || FileManager.default.fileExists(atPath: databasePath) }

    /// Refuses a database that is not there: reading never creates one as a side effect.
    func requireExisting(_ hint: String = "apply a blueprint first, or point at one with --state or -f") throws(ServiceError) {
        guard exists else { throw .notFound("no state database at \(databasePath); \(hint)") }
    }

    /// The store, created on first use, with its directory private to the user.
    func store() throws(ServiceError) -> any StateStore {
        if let database {
            let settings: PostgresSettings
            do {
                settings = try PostgresSettings.parse(database, source: databaseSource, fallbackPassword: environmentPassword)
            } catch { throw .invalidInput(error.description) }
            return try serviceCall { try StateDatabase.open(settings, schema: schema, stateDirectory: directory) }
        }
        let store = try serviceCall { try StateDatabase.open(databasePath) }
        chmod(directory, 0o700)
        return store
    }

    /// The engine on this database, acting for the context's principal. `audited` engines
    /// record every change in the audit log kept in the same database (keys under `keys/`).
    func engine(
        _ context: ServiceContext, parallelism: Int = 10, audited: Bool = false, reason: String? = nil,
        webhook: String? = nil
    ) throws(ServiceError) -> StackEngine {
        let store = try store()
        var engine = StackEngine(store: store, parallelism: parallelism, stateDirectory: directory)
        engine.actor = context.principal.name
        engine.reason = reason
        if audited {
            engine.audit = try auditLog(store)
            engine.webhook = try AuditWebhookSettings.resolve(url: webhook, environment: context.environment)
            engine.warn = { context.warn("warning: \($0)") }
        }
        return engine
    }

    func auditLog(_ store: any StateStore) throws(ServiceError) -> AuditLog {
        try serviceCall(doing: "the audit log") { try AuditLog.local(store: store, stateDirectory: directory, databasePath: databasePath) }
    }
}

/// The audit webhook: `--audit-webhook URL` or `DHARMA_AUDIT_WEBHOOK`; the HMAC secret only from
/// `DHARMA_AUDIT_WEBHOOK_SECRET` (never a flag, where it would show in `ps`); optionally
/// `DHARMA_AUDIT_WEBHOOK_ACTIONS=apply,destroy`.
enum AuditWebhookSettings {
    static func resolve(url flag: String?, environment: [String: String]) throws(ServiceError) -> AuditWebhook? {
        guard let text = flag ?? environment["DHARMA_AUDIT_WEBHOOK"], !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw .invalidInput("audit webhook `\(text)` is not an http(s) URL")
        }
        guard let secret = environment["DHARMA_AUDIT_WEBHOOK_SECRET"], !secret.isEmpty else {
            throw .invalidInput("the audit webhook needs DHARMA_AUDIT_WEBHOOK_SECRET set to the shared HMAC secret")
        }
        let actions = Set((environment["DHARMA_AUDIT_WEBHOOK_ACTIONS"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        return AuditWebhook(url: url, secret: Data(secret.utf8), actions: actions.filter { !$0.isEmpty })
    }
}

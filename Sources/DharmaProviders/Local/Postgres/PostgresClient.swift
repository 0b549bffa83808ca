import DharmaCore
import Foundation

/// Talks to a local-runtime PostgreSQL server through `psql`, the server's own client: one
/// invocation per request, rows returned as JSON built by the server itself.
public struct PostgresClient: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var psql: String
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// A libpq password file (`host:port:db:user:password`), mode 0600.
    public var passfile: String

    public init(psql: String, host: String, port: Int, user: String, database: String, passfile: String) {
        self.psql = psql
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.passfile = passfile
    }

    /// The server of a `database.postgres` resource the local runtime applied; nil for any other.
    public init?(_ state: ResourceState) {
        let outputs = state.outputs
        guard state.type == "database.postgres", state.provider == .local, let bin = outputs["bin"]?.stringValue,
            let port = outputs["port"]?.intValue, let user = outputs["username"]?.stringValue,
            let database = outputs["database"]?.stringValue, let passfile = outputs["passfile"]?.stringValue
        else { return nil }
        self.init(
            psql: bin + "/psql", host: outputs["host"]?.stringValue ?? "127.0.0.1", port: port, user: user,
            database: database, passfile: passfile)
    }

    /// The same server, another database.
    func on(_ database: String) -> PostgresClient {
        var client = self
        client.database = database
        return client
    }

    /// Runs `sql` (one or more statements, each outside a transaction block) and returns what
    /// the last one printed.
    @discardableResult
    public func execute(_ sql: String, timeout: Double = 60) async throws(Failure) -> String {
        let result: CommandRunner.Result
        do {
            result = try await CommandRunner.run(
                psql,
                [
                    "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port),
                    "-U", user, "-d", database, "-f", "-",
                ],
                environment: ["PGPASSFILE": passfile, "PGCONNECT_TIMEOUT": "5", "PGAPPNAME": "dharma"],
                input: sql, timeout: timeout)
        } catch {
            throw Failure(description: error.description)
        }
        guard result.succeeded else {
            throw Failure(description: "PostgreSQL at \(host):\(port)/\(database): \(result.complaint)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The rows of a SELECT, decoded from the JSON the server makes of them.
    public func rows<Row: Decodable>(_ select: String, as type: Row.Type) async throws(Failure) -> [Row] {
        let json = try await execute("SELECT coalesce(json_agg(q), '[]'::json) FROM (\(select)) q;")
        do {
            return try JSONDecoder().decode([Row].self, from: Data(json.utf8))
        } catch {
            throw Failure(description: "unexpected answer from PostgreSQL at \(host):\(port): \(error)")
        }
    }

    /// A string as an SQL literal.
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A name as an SQL identifier.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

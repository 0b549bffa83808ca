import ArgumentParser
import DharmaService
import Foundation

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a state database from SQLite into PostgreSQL.",
        discussion: """
            Copies every stack, resource (secrets stay sealed), version, audit entry, checkpoint, incident and metric into an empty PostgreSQL schema in one transaction, then verifies both audit logs and compares their Merkle roots. The SQLite file is only read. Keys and logs stay in the state directory; afterwards run commands with --database or DHARMA_DATABASE set to the same URL.

            Examples:
              PGPASSWORD=… dharma migrate --from sqlite:.dharma/dharma.db --to postgres://dharma@db.internal:5432/dharma
              dharma migrate --from sqlite:.dharma/dharma.db --to "$DHARMA_DATABASE" --json
            """)

    @Option(help: "The SQLite state database to move: sqlite:PATH.") var from: String
    @Option(help: "The PostgreSQL database to move into: postgres://USER@HOST:PORT/DATABASE (the password from $PGPASSWORD).") var to: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let result = try await DatabaseMigrationService(context: .cli).migrate(from: from, to: to)
            if json {
                print(try jsonText(result))
                return
            }
            print("Moved \(result.source) into \(result.target):")
            for (table, rows) in result.tables.sorted(by: { $0.key < $1.key }) where rows > 0 {
                print("  \(table.padded(22)) \(rows) row\(rows == 1 ? "" : "s")")
            }
            let verified = { (ok: Bool) in ok ? "verifies" : "DOES NOT VERIFY" }
            print("Audit log: \(result.auditEntries) entries, root \(result.auditRoot ?? "(empty)") on both sides;")
            print("  the original \(verified(result.sourceVerified)), the copy \(verified(result.targetVerified)).")
            if !result.sourceVerified || !result.targetVerified { throw ExitCode.failure }
        }
    }
}

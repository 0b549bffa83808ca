import DharmaCore
import DharmaService
import Foundation
import Testing

/// `dharma migrate` end to end: a stack applied on SQLite (with a sealed secret and an audit
/// log), moved into a real PostgreSQL server, then read, planned and applied there.
@Suite(
    "Service: moving state from SQLite into PostgreSQL",
    .enabled(if: ProcessInfo.processInfo.environment["DHARMA_TEST_POSTGRES"].map { !$0.isEmpty } ?? false, "DHARMA_TEST_POSTGRES is not set"))
struct DatabaseMigrationTests {
    let token = "tok-\(UUID().uuidString)"
    let url = ProcessInfo.processInfo.environment["DHARMA_TEST_POSTGRES"] ?? ""

    func blueprint(files: Int) -> String {
        """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: vault, owner: team-a}
        target: {provider: local, region: local-1}
        variables:
          token: {type: string, sensitive: true}
        resources:
          api-token: {type: security.secret, properties: {path: api-token, value: "${var.token}"}}
        \((0..<files).map { "  file\($0): {type: storage.file, properties: {path: file\($0).txt, content: \"\($0)\"}}" }.joined(separator: "\n"))
        """
    }

    /// The URL with a database of its own for this test: a schema is per state database, so
    /// each test gets a fresh database on the shared server.
    func freshDatabase() throws -> String {
        let name = "m_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        // With psql, as an operator would.
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"]
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0, "psql made database \(name)")
        return url.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
    }

    @Test("the copy holds the same stacks, secrets and versions; both audit logs verify with one root; work goes on in PostgreSQL")
    func migrate() async throws {
        let workspace = try Workspace(blueprint(files: 3))
        let input = BlueprintInput(path: workspace.blueprint, variables: ["token": token])
        #expect(try await StackService().apply(try await StackService().prepareApply(.init(source: .blueprint(input)))).ok)
        let state = workspace.directory + "/.dharma/dharma.db"
        let target = try freshDatabase()

        let result = try await DatabaseMigrationService(context: ServiceContext()).migrate(from: "sqlite:\(state)", to: target)
        #expect(result.tables["resources"] == 4 && result.tables["stacks"] == 1 && result.tables["state_versions"] == 1)
        #expect(result.auditEntries > 0 && result.auditRoot != nil)
        #expect(result.sourceVerified && result.targetVerified)
        #expect(!result.target.contains(URLComponents(string: target)?.password ?? "\u{0}"), "the password is never shown")

        // The same stack, read from PostgreSQL: nothing to change, the secret opens.
        let onPostgres = BlueprintInput(path: workspace.blueprint, variables: ["token": token], database: target)
        #expect(try await StackService().plan(.init(blueprint: onPostgres)).plan.hasChanges == false)
        let shown = try await StateService().show("api-token", StackSelector(file: workspace.blueprint, database: target))
        #expect(shown.inputs["value"] == .string("(sensitive)"))

        // Work goes on there: an apply appends to the moved log, which still verifies.
        try workspace.write(blueprint(files: 4), to: "stack.yaml")
        #expect(try await StackService().apply(try await StackService().prepareApply(.init(source: .blueprint(onPostgres)))).ok)
        let verified = try await AuditService().verify(StackSelector(file: workspace.blueprint, database: target))
        #expect(verified.report.ok && verified.report.entries > Int(result.auditEntries))
        let (_, versions) = try await StateService().history(StackSelector(file: workspace.blueprint, database: target))
        #expect(versions.count == 2)

        // Moving again into the same place is refused: it holds state now.
        await #expect { try await DatabaseMigrationService(context: ServiceContext()).migrate(from: "sqlite:\(state)", to: target) } throws: {
            "\($0)".contains("already holds stacks")
        }
        await #expect { try await DatabaseMigrationService(context: ServiceContext()).migrate(from: state, to: target) } throws: {
            "\($0)".contains("write sqlite:PATH")
        }
    }
}

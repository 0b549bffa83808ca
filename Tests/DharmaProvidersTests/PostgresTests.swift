import DharmaCore
import DharmaNet
import Foundation
import Testing

@testable import DharmaProviders

/// A real PostgreSQL server (initdb + pg_ctl on a loopback port), driven through the provider.
@Suite("Local provider: PostgreSQL", .serialized)
struct PostgresTests {
    let provider = LocalProvider()

    func database(port: Int, extra: [String: Value] = [:]) -> DesiredResource {
        desired(
            "orders-db", "database.postgres",
            ["port": .int(port), "deletionProtection": .bool(false), "username": "app"]
                .merging(extra) { _, new in new })
    }

    @Test("apply starts a server with a database, pg_stat_statements and a password file; a killed server is drift; apply restarts it; delete removes it")
    func lifecycle() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        let port = try #require(PortAllocator.freePort())
        let resource = database(port: port)
        let outputs = try await provider.apply(resource, prior: nil, context: ctx)
        let recorded = state(resource, outputs: outputs)
        #expect(outputs["url"] == .string("postgresql://app@127.0.0.1:\(port)/orders_db"))
        let passfile = try #require(outputs["passfile"]?.stringValue)
        #expect(LocalPaths.currentMode(passfile) == 0o600)
        // The password is not in the outputs, only in the password file.
        let password = try #require(PostgresResource.storedPassword(passfile))
        #expect(password.count == 32 && !outputs.values.contains { $0.stringValue?.contains(password) == true })

        let client = try #require(PostgresClient(recorded))
        #expect(try await client.execute("SELECT current_database() || ' ' || current_user;") == "orders_db app")
        #expect(try await client.execute("SELECT count(*) FROM pg_stat_statements;") != "")
        #expect(try await provider.refresh(recorded, context: ctx).drift.isEmpty)

        // Applying again changes nothing and keeps the data.
        try await client.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7);")
        let again = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(again["pid"] == outputs["pid"])
        #expect(try await client.execute("SELECT id FROM kept;") == "7")

        // A killed server is reported the way a down replica is.
        let pid = try #require(outputs["pid"]?.intValue)
        kill(Int32(pid), SIGKILL)
        try await Task.sleep(for: .milliseconds(200))
        let drift = try await provider.refresh(recorded, context: ctx).drift
        #expect(drift.map(\.attribute) == ["replica[0].process"])
        let restarted = try await provider.apply(resource, prior: recorded, context: ctx)
        #expect(restarted["pid"] != outputs["pid"])
        #expect(try await client.execute("SELECT id FROM kept;") == "7")

        // A second database of the stack keeps the stack's folder until it goes too.
        let otherPort = try #require(PortAllocator.freePort())
        let other = desired("audit-db", "database.postgres", ["port": .int(otherPort), "deletionProtection": .bool(false)])
        let otherOutputs = try await provider.apply(other, prior: nil, context: ctx)
        let dataDirectory = try #require(outputs["dataDirectory"]?.stringValue)
        // `.../data` of `.../RESOURCE` of the stack's folder.
        let stackFolder = ((dataDirectory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent

        try await provider.delete(state(resource, outputs: restarted), context: ctx)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory))
        #expect(!ReadinessProbe.tcpAccepts(port: port, timeout: 0.5))
        #expect(FileManager.default.fileExists(atPath: stackFolder), "the other database's folder is still in it")
        try await provider.delete(state(other, outputs: otherOutputs), context: ctx)
        #expect(!FileManager.default.fileExists(atPath: stackFolder), "destroy removes the folder apply made for the stack: \(stackFolder)")
    }

    @Test("deletion protection refuses delete and leaves the server running")
    func deletionProtection() async throws {
        let directory = temporaryDirectory()
        let ctx = context(directory)
        let port = try #require(PortAllocator.freePort())
        let protected = database(port: port, extra: ["deletionProtection": .bool(true)])
        let outputs = try await provider.apply(protected, prior: nil, context: ctx)
        await #expect(throws: ProviderError.self) { try await provider.delete(state(protected, outputs: outputs), context: ctx) }
        #expect(ReadinessProbe.tcpAccepts(port: port, timeout: 1))
        try await provider.delete(state(database(port: port), outputs: outputs), context: ctx)
    }

    @Test("a port another program holds gets a clear error naming it")
    func portTaken() async throws {
        let directory = temporaryDirectory()
        let port = try #require(PortAllocator.freePort())
        let listener = try LoopbackSocket.listen(port: port)
        defer { close(listener) }
        do {
            _ = try await provider.apply(database(port: port), prior: nil, context: context(directory))
            Issue.record("apply succeeded on a taken port")
        } catch let error as ProviderError {
            #expect("\(error)".contains("port \(port)"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/.dharma/postgres"))
    }

    @Test("a username that is not a plain name is refused before anything starts")
    func badUsername() async throws {
        let directory = temporaryDirectory()
        let resource = database(port: 1, extra: ["username": "robert'); DROP"])
        await #expect(throws: ProviderError.self) { _ = try await provider.apply(resource, prior: nil, context: context(directory)) }
    }
}

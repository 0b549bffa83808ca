import DharmaAudit
import DharmaStore
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaService

/// Console passwords and sessions against the real control database.
@Suite("Service: console sign-in")
struct ConsoleSignInTests {
    final class Clock: @unchecked Sendable {
        var now = 1_000_000.0
    }

    func signIn() async throws -> (ConsoleSignIn, Clock, ServerData) {
        let data = ServerData(directory: Scratch.directory("dharma-console"))
        let store = try SQLiteTenantStore(path: data.controlDatabase)
        try await store.createUser(User(name: "ada", serverAdmin: false, createdAt: 1))
        try await store.createOrganisation(Organisation(name: "acme", createdAt: 1), admin: "ada")
        let clock = Clock()
        return (ConsoleSignIn(store: store, data: data, now: { clock.now }), clock, data)
    }

    @Test("the right password opens a session for the user's current roles, with a CSRF token of its own; it ends after 8 hours or on sign-out")
    func sessions() async throws {
        let (console, clock, _) = try await signIn()
        try await console.setPassword("correct horse battery", of: "ada")
        let secret = try #require(try await console.signIn("ada", password: "correct horse battery"))
        let (principal, csrf) = try #require(try await console.principal(session: secret.text))
        #expect(principal.name == "ada" && principal.authentication == .session && principal.memberships["acme"] == .admin)
        let other = try #require(try await console.signIn("ada", password: "correct horse battery"))
        #expect(try await console.principal(session: other.text)?.csrf != csrf, "each session has its own CSRF token")
        #expect(csrf.count == 64)

        clock.now += ConsoleSignIn.sessionLifetime + 1
        #expect(try await console.principal(session: secret.text) == nil, "expired")
        clock.now -= ConsoleSignIn.sessionLifetime
        try await console.signOut(session: other.text)
        #expect(try await console.principal(session: other.text) == nil, "signed out")
        #expect(try await console.principal(session: "dharma_not-a-session") == nil)
    }

    @Test("a wrong password or an unknown user opens nothing and is on the server's audit log; a new password ends every session")
    func refusals() async throws {
        let (console, _, data) = try await signIn()
        try await console.setPassword("correct horse battery", of: "ada")
        #expect(try await console.signIn("ada", password: "wrong horse battery") == nil)
        #expect(try await console.signIn("nobody", password: "correct horse battery") == nil)
        let session = try #require(try await console.signIn("ada", password: "correct horse battery"))
        try await console.setPassword("another horse battery", of: "ada")
        #expect(try await console.principal(session: session.text) == nil, "the old password's session ended")
        #expect(try await console.signIn("ada", password: "correct horse battery") == nil)

        await #expect(throws: ServiceError.self) { try await console.setPassword("short", of: "ada") }
        await #expect(throws: ServiceError.self) { try await console.setPassword(String(repeating: "x", count: 73), of: "ada") }
        await #expect(throws: ServiceError.self) { try await console.setPassword("correct horse battery", of: "nobody") }

        let location = data.serverState
        let entries = try await location.auditLog(try location.store()).store.auditEntries(from: 0, to: 100)
        #expect(entries.filter { $0.action == "console-sign-in-refused" }.map(\.actor) == ["ada", "nobody", "ada"])
        #expect(entries.filter { $0.action == "console-password" }.count == 2)
    }

    @Test("after 5 wrong passwords a user name is refused without a password check until 5 minutes have passed")
    func lockout() async throws {
        let (console, clock, _) = try await signIn()
        try await console.setPassword("correct horse battery", of: "ada")
        for _ in 0..<ConsoleSignIn.allowedFailures { #expect(try await console.signIn("ada", password: "wrong horse battery") == nil) }
        await #expect { try await console.signIn("ada", password: "correct horse battery") } throws: { "\($0)".contains("too many failed sign-ins") }
        clock.now += ConsoleSignIn.failureWindow + 1
        #expect(try await console.signIn("ada", password: "correct horse battery") != nil, "the window has passed")
    }
}

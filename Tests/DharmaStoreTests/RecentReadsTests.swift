import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaStore

/// The tenant store keeps credentials and stack pages it read recently; a write through the
/// store must never leave an older value visible to the next read.
@Suite("Recent reads of the tenant store")
struct RecentReadsTests {
    let stack = StackID(name: "shop", environment: "default")

    func seeded() async throws -> SQLiteTenantStore {
        let store = try SQLiteTenantStore(path: Scratch.directory("dharma-recent") + "/control.db")
        try await store.createUser(User(name: "ada", serverAdmin: false, createdAt: 1))
        try await store.createOrganisation(Organisation(name: "acme", createdAt: 1), admin: "ada")
        try await store.createProject(Project(organisation: "acme", name: "web", createdAt: 1))
        try await store.createStack(ManagedStack(organisation: "acme", project: "web", stack: stack, protected: false, createdAt: 1))
        try await store.createToken(APIToken(id: "tok-1", name: "laptop", user: "ada", secretHash: "h1", createdAt: 1, expiresAt: nil))
        return store
    }

    @Test("a stack's page and its runs show each new blueprint, run, run state and lock at the next read")
    func summariesFollowWrites() async throws {
        let store = try await seeded()
        #expect(try await store.summary(of: stack, in: "acme")?.blueprint == nil)
        for version in 1...3 {
            _ = try await store.addBlueprint(text: "v\(version)", sha256: "s\(version)", author: "ada", at: 2, to: stack, in: "acme")
            #expect(try await store.summary(of: stack, in: "acme")?.blueprint == version)
            let run = Run(
                id: "run-\(version)", organisation: "acme", stack: stack, kind: .apply, actor: "ada", message: nil, blueprintVersion: version,
                createdAt: 3)
            try await store.createRun(run)
            #expect(try await store.summary(of: stack, in: "acme")?.run == run.id)
            #expect(try await store.runs(of: stack, in: "acme", PageRequest(limit: 10)).items.first == run)
            var finished = run
            finished.state = .applied
            try await store.updateRun(finished)
            #expect(try await store.runs(of: stack, in: "acme", PageRequest(limit: 10)).items.first?.state == .applied)
            #expect(try await store.runs(of: stack, in: "acme", PageRequest(limit: 10)).items.count == version)
        }
        try await store.setLock(of: stack, in: "acme", by: "ada", reason: "maintenance")
        #expect(try await store.summary(of: stack, in: "acme")?.stack.lockedBy == "ada")
        #expect(try await store.summary(of: StackID(name: "other", environment: "default"), in: "acme") == nil)
    }

    @Test("a revoked token, a new role or a removed membership counts at the next request; a token's use changes nothing")
    func credentialsFollowWrites() async throws {
        let store = try await seeded()
        #expect(try await store.credentials(withHash: "h1")?.memberships.map(\.role) == [.admin])
        try await store.markUsed(token: "tok-1", at: 100)
        #expect(try await store.credentials(withHash: "h1")?.token.revoked == false)
        try await store.setMembership(Membership(organisation: "acme", user: "ada", role: .viewer))
        #expect(try await store.credentials(withHash: "h1")?.memberships.map(\.role) == [.viewer])
        #expect(try await store.removeMembership(organisation: "acme", user: "ada"))
        #expect(try await store.credentials(withHash: "h1")?.memberships.isEmpty == true)
        #expect(try await store.revokeToken(id: "tok-1", of: "ada"))
        #expect(try await store.credentials(withHash: "h1")?.token.revoked == true)
        #expect(try await store.credentials(withHash: "unknown") == nil)
    }
}

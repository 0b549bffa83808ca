import DharmaAudit
import DharmaSecurity
import DharmaStore
import Foundation
import HummingbirdBcrypt
import Synchronization

/// Signing in to the web console with a password: passwords are kept as bcrypt hashes, a
/// session is a 256-bit secret in an HttpOnly cookie whose SHA-256 the store keeps, and each
/// session's CSRF token is derived from its secret. A failed sign-in is on the server's
/// audit log, and takes as long for an unknown user as for a wrong password.
public struct ConsoleSignIn: Sendable {
    public let store: any TenantStore
    public let data: ServerData
    var now: @Sendable () -> Double
    /// Failed sign-ins per user name in the current window: after `allowedFailures`, that name
    /// is refused without checking the password (no bcrypt, so no CPU to burn) until the
    /// window ends. Shared by every copy of this value.
    private let failures = FailedSignIns()
    static let allowedFailures = 5
    static let failureWindow = 300.0

    /// How long a session lasts without signing in again.
    public static let sessionLifetime = 8 * 3600.0
    /// bcrypt's work factor: about a quarter of a second per attempt on this machine's cores.
    static let cost: UInt8 = 12
    static let csrfPurpose = "dharma-console-csrf"

    public init(store: any TenantStore, data: ServerData, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.data = data
        self.now = now
    }

    /// Sets `user`'s console password (12 to 72 bytes: bcrypt reads no further) and ends their sessions.
    public func setPassword(_ password: String, of user: String) async throws(ServiceError) {
        guard (12...72).contains(password.utf8.count) else {
            throw .invalidInput("a console password has 12 to 72 bytes (this one has \(password.utf8.count))")
        }
        let hash = await Self.offThePool { Bcrypt.hash(password, cost: Self.cost) }
        guard try await serviceCall(doing: "setting the password", { try await store.setPasswordHash(hash, of: user) }) else {
            throw .notFound("user `\(user)` not found")
        }
        try await record("console-password", actor: user, reason: "console password of \(user) set; their sessions ended")
    }

    /// A new session for `user` when `password` is theirs; nil (and an audit entry) otherwise.
    /// After `allowedFailures` wrong passwords for a name in `failureWindow` seconds, that name
    /// is refused (`.conflict`, saying when to try again) without a password check.
    public func signIn(_ user: String, password: String) async throws(ServiceError) -> APITokenSecret? {
        let time = now()
        if let wait = failures.lockedOut(user, at: time) {
            try await record("console-sign-in-refused", actor: user, reason: "too many failed sign-ins for \(user); refused for \(wait) s more")
            throw .conflict("too many failed sign-ins for this user name; try again in \(wait) s")
        }
        let hash = try await serviceCall { try await store.passwordHash(of: user) }
        // An unknown user costs one bcrypt too, so timing does not tell which users exist.
        let matches = await Self.offThePool { Bcrypt.verify(password, hash: hash ?? Self.unusable) }
        guard hash != nil, matches else {
            failures.failed(user, at: time)
            try await record("console-sign-in-refused", actor: user, reason: "wrong user name or password for \(user)")
            return nil
        }
        failures.succeeded(user)
        let secret = APITokenSecret.generate()
        try await serviceCall {
            try await store.createSession(ConsoleSession(secretHash: secret.hash, user: user, createdAt: time, expiresAt: time + Self.sessionLifetime))
        }
        _ = try? await store.removeSessions(endedBefore: time)
        return secret
    }

    /// A new session for `user`, whom the server's OpenID provider vouched for (the caller
    /// verified the ID token); `grants` are the memberships its groups claim gave. On the
    /// server's audit log, as every sign-in without a password is.
    public func signIn(verified user: String, grants: [Membership], issuer: String) async throws(ServiceError) -> APITokenSecret {
        let time = now()
        let secret = APITokenSecret.generate()
        try await serviceCall {
            try await store.createSession(
                ConsoleSession(secretHash: secret.hash, user: user, createdAt: time, expiresAt: time + Self.sessionLifetime, grants: grants))
        }
        let granted = grants.map { "\($0.role.rawValue) in \($0.organisation)" }.joined(separator: ", ")
        try await record("console-sign-in", actor: user, reason: "signed in through \(issuer)" + (granted.isEmpty ? "" : "; its groups grant \(granted)"))
        _ = try? await store.removeSessions(endedBefore: time)
        return secret
    }

    /// Who a session cookie stands for now (their current memberships, and what the identity
    /// provider's groups granted where they have none), with its CSRF token.
    public func principal(session text: String) async throws(ServiceError) -> (principal: Principal, csrf: String)? {
        guard let secret = APITokenSecret(text) else { return nil }
        return try await serviceCall {
            guard let session = try await store.session(withHash: secret.hash), session.expiresAt > now(),
                let user = try await store.user(named: session.user)
            else { return nil }
            let kept = try await store.memberships(of: user.name)
            let granted = session.grants.filter { grant in grant.user == user.name && !kept.contains { $0.organisation == grant.organisation } }
            let principal = try await Principal.member(user, memberships: kept + granted, authentication: .session, resolvingIn: store)
            return (principal, secret.derived(for: Self.csrfPurpose))
        }
    }

    public func signOut(session text: String) async throws(ServiceError) {
        guard let secret = APITokenSecret(text) else { return }
        try await serviceCall { try await store.removeSession(withHash: secret.hash) }
    }

    /// Records a console request refused before any service saw it (a form without its CSRF token).
    public func recordRefusal(actor: String, action: String, reason: String) async throws(ServiceError) {
        try await record(action, actor: actor, reason: reason)
    }

    private func record(_ action: String, actor: String, reason: String) async throws(ServiceError) {
        let location = data.serverState
        try await serviceCall(doing: "recording on the server's audit log") {
            _ = try await location.auditLog(try location.store()).append([AuditDraft(actor: actor, action: action, stack: "server", reason: reason)])
        }
    }

    /// A well-formed bcrypt hash that no password matches.
    static let unusable = "$2b$12$" + String(repeating: "A", count: 53)

    /// bcrypt on a thread of its own: a quarter of a second would stall a concurrency thread.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}

/// Failed console sign-ins by user name, within a window.
final class FailedSignIns: Sendable {
    private let counts = Mutex<[String: (count: Int, since: Double)]>([:])

    /// Seconds until `user` may try again, or nil when they may now.
    func lockedOut(_ user: String, at time: Double) -> Int? {
        counts.withLock { counts in
            guard let entry = counts[user] else { return nil }
            guard time - entry.since < ConsoleSignIn.failureWindow else {
                counts[user] = nil
                return nil
            }
            return entry.count >= ConsoleSignIn.allowedFailures ? max(1, Int((entry.since + ConsoleSignIn.failureWindow - time).rounded(.up))) : nil
        }
    }

    func failed(_ user: String, at time: Double) {
        counts.withLock { counts in
            if counts.count > 10_000 { counts.removeAll() }
            let entry = counts[user].flatMap { time - $0.since < ConsoleSignIn.failureWindow ? $0 : nil } ?? (count: 0, since: time)
            counts[user] = (entry.count + 1, entry.since)
        }
    }

    func succeeded(_ user: String) {
        counts.withLock { $0[user] = nil }
    }
}

/// A browser's sign-in to the web console: kept by the hash of the secret in its cookie, as API
/// tokens are, so the control database never holds a usable session.
public struct ConsoleSession: Sendable, Hashable {
    public var secretHash: String
    public var user: String
    public var createdAt: Double
    public var expiresAt: Double
    /// Memberships the identity provider's groups claim granted at sign-in, in organisations
    /// where the server keeps none for the user; they last as long as the session.
    public var grants: [Membership]

    public init(secretHash: String, user: String, createdAt: Double, expiresAt: Double, grants: [Membership] = []) {
        self.secretHash = secretHash
        self.user = user
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.grants = grants
    }
}

/// Users' console passwords (bcrypt hashes) and their sign-in sessions.
public protocol ConsoleSessionStore: Sendable {
    /// Sets (or, with nil, removes) the user's password hash; false when there is no such user.
    func setPasswordHash(_ hash: String?, of user: String) async throws -> Bool
    func passwordHash(of user: String) async throws -> String?
    func createSession(_ session: ConsoleSession) async throws
    func session(withHash hash: String) async throws -> ConsoleSession?
    func removeSession(withHash hash: String) async throws
    /// Forgets sessions that ended before `time`; how many.
    func removeSessions(endedBefore time: Double) async throws -> Int
}

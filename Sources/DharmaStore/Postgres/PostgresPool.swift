import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The connections to one PostgreSQL database: postgres-nio's pool, run by a task of its own for
/// as long as the process lives (or until `close()`). Every store on the database shares it; a
/// process opens one per database (`shared(_:)`), however often a state location is opened.
public final class PostgresPool: Sendable {
    public let settings: PostgresSettings
    let client: PostgresClient
    private let runner: Task<Void, Never>
    /// How long one connection attempt may take.
    let connectTimeout: Duration

    private static let pools = Mutex<[PostgresSettings: PostgresPool]>([:])

    /// The process's pool for the database `settings` name.
    public static func shared(_ settings: PostgresSettings) -> PostgresPool {
        pools.withLock { pools in
            if let pool = pools[settings] { return pool }
            let pool = PostgresPool(settings)
            pools[settings] = pool
            return pool
        }
    }

    public init(_ settings: PostgresSettings, maximumConnections: Int = 20, connectTimeout: Duration = .seconds(10)) {
        self.settings = settings
        self.connectTimeout = connectTimeout
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
            tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout
        var logger = Logger(label: "dharma.postgres")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Closes every connection; the pool answers nothing after.
    public func close() {
        runner.cancel()
    }

    /// Runs `body` on one connection, in a transaction: committed when it returns, rolled back
    /// when it throws (its error is what the caller sees).
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await connection { connection in
            try await connection.query("BEGIN", logger: Self.quiet)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: Self.quiet)
                throw error
            }
            try await connection.query("COMMIT", logger: Self.quiet)
            return result
        }
    }

    /// Runs `body` on one connection of the pool; PostgreSQL's errors come out as `StoreError`s
    /// that say what the server said.
    ///
    /// The pool retries failed connections quietly, and a lease would wait for ever on a server
    /// that is gone. So while the lease is pending, one connection is tried directly every few
    /// seconds, and a refusal (no server, a wrong password, no such database, no answer within
    /// `connectTimeout`) fails the call with what was said. A pool that is only busy, or a
    /// machine that is only slow, is waited for: a wall-clock deadline would fail sound work on a
    /// loaded host. Once `body` has its connection it runs as long as it needs.
    func connection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let leased = LeaseSignal()
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        leased.flag.store(true, ordering: .relaxed)
                        return try await body(connection)
                    }
                }
                group.addTask {
                    var pause = Duration.seconds(2)
                    while !leased.flag.load(ordering: .relaxed) {
                        try await Task.sleep(for: pause)
                        pause = .seconds(5)
                        if !leased.flag.load(ordering: .relaxed), let failure = await self.connectionFailure() { throw failure }
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    if let result = outcome { return result }
                }
                throw CancellationError()
            }
        } catch let error as PSQLError {
            throw PostgresFailure.describe(error, settings: settings)
        }
    }

    /// Why no connection can be made, found by making one; nil when one can.
    private func connectionFailure() async -> StoreError? {
        do {
            var configuration = PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
                tls: try Self.connectionTLS(settings.tls))
            configuration.options.connectTimeout = .seconds(Int64(connectTimeout.components.seconds))
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: Self.quiet)
            try? await connection.close()
            return nil
        } catch let error as PSQLError {
            return PostgresFailure.describe(error, settings: settings)
        } catch {
            return StoreError("cannot connect to \(settings): \(error)")
        }
    }

    /// Set once `body` holds its connection: from then on nothing is looked into.
    private final class LeaseSignal: Sendable {
        let flag = Atomic<Bool>(false)
    }

    static let quiet = Logger(label: "dharma.postgres.query", factory: { _ in SwiftLogNoOpLogHandler() })

    private static func tls(_ mode: PostgresSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        let unverified = unverifiedTLS
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unverified)
        case .require: return .require(unverified)
        case .verifyFull: return .require(TLSConfiguration.makeClientConfiguration())
        }
    }

    private static func connectionTLS(_ mode: PostgresSettings.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: unverifiedTLS))
        case .require: return .require(try NIOSSLContext(configuration: unverifiedTLS))
        case .verifyFull: return .require(try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration()))
        }
    }

    /// Encrypted without checking the server's certificate: libpq's `prefer` and `require`.
    private static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}

import PostgresNIO

/// What PostgreSQL's errors mean to a person: postgres-nio hides them behind a generic text (so
/// nothing leaks by accident); this says the server's message, its SQLSTATE and which database,
/// and never the password.
enum PostgresFailure {
    static func describe(_ error: PSQLError, settings: PostgresSettings) -> StoreError {
        if let info = error.serverInfo, let message = info[.message] {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = info[.detail].map { "; \($0)" } ?? ""
            let hint = info[.hint].map { "; hint: \($0)" } ?? ""
            return StoreError("\(settings): \(message)\(state)\(detail)\(hint)")
        }
        switch error.code {
        case .connectionError:
            let cause = error.underlying.map { ": \($0)" } ?? ""
            return StoreError("cannot connect to \(settings)\(cause)")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return StoreError("the connection to \(settings) closed while a statement ran; it may not have been applied")
        case .sslUnsupported:
            return StoreError("\(settings) does not offer TLS, and sslmode requires it")
        case .authMechanismRequiresPassword:
            return StoreError("\(settings) asks for a password, and the URL has none")
        case .poolClosed:
            return StoreError("the connections to \(settings) were closed")
        default:
            return StoreError("\(settings): \(String(reflecting: error))")
        }
    }

    /// The SQLSTATE of a server error, e.g. "23505" for a unique violation.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

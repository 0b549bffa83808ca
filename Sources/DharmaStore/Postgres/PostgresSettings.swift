import Foundation

/// Where a PostgreSQL database is, read from a libpq-style URL:
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`. The password never appears in
/// `description`, so the settings can be logged and put in errors.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode`, as far as it applies here: `prefer` and `require` encrypt without
    /// checking the server's certificate (as libpq does), `verify-full` checks it and its name.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, user: String, password: String?, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Reads `text`; `source` names where it came from (`--database`, `DHARMA_DATABASE`) in errors.
    /// A URL without a password takes `fallbackPassword` (libpq's `PGPASSWORD`, which keeps the
    /// password out of the URL and so out of `ps`).
    public static func parse(_ text: String, source: String, fallbackPassword: String? = nil) throws(StoreError) -> PostgresSettings {
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw StoreError("\(source) `\(Self.redacted(text))` is not a postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError("\(source) `\(Self.redacted(text))` names no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError("\(source) `\(Self.redacted(text))` names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError("\(source) `\(Self.redacted(text))` names no database after the host (…@HOST:PORT/DATABASE)")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw StoreError("\(source): sslmode `\(item.value ?? "")` is not one of \(modes)")
                }
                tls = mode
            default:
                throw StoreError("\(source): unknown parameter `\(item.name)` (only sslmode is read)")
            }
        }
        return PostgresSettings(
            host: host, port: components.port ?? 5432, user: user, password: components.password ?? fallbackPassword, database: database, tls: tls)
    }

    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostText):\(port)/\(database)"
    }

    /// The URL with its password replaced, for messages about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
    }
}

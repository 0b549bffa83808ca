import DharmaCore
import DharmaSecurity
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaStore

/// The databases the store tests run against: SQLite in a scratch file, and the PostgreSQL
/// server `DHARMA_TEST_POSTGRES` names (`.ci/run` starts one with `scripts/test-postgres`), each
/// test in a schema of its own.
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The PostgreSQL URL the tests use; nil when none is configured (those tests are skipped,
    /// and `.ci/run` fails a run that skipped any).
    static let postgresURL: String? = ProcessInfo.processInfo.environment["DHARMA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    static var postgresSettings: PostgresSettings? {
        postgresURL.flatMap { try? PostgresSettings.parse($0, source: "DHARMA_TEST_POSTGRES") }
    }

    /// SQLite always; PostgreSQL when a server is configured.
    static var available: [TestBackend] { postgresURL == nil ? [.sqlite] : allCases }

    static let skipReason: Comment = "DHARMA_TEST_POSTGRES is not set: start a server with `scripts/test-postgres start DIR` and export its URL"

    /// A fresh, empty store of this kind, its secrets sealed to a scratch key pair.
    func makeStore(sealed: Bool = true) throws -> any StateStore {
        let directory = Scratch.directory("dharma-store")
        let sealer = sealed ? SealingKeys(directory: directory + "/keys") : nil
        switch self {
        case .sqlite:
            return try SQLiteStore(path: directory + "/dharma.db", sealer: sealer)
        case .postgres:
            guard let settings = Self.postgresSettings else { throw StoreError(String(describing: Self.skipReason)) }
            return try PostgresStore(pool: PostgresPool.shared(settings), schema: Self.freshSchema(), sealer: sealer)
        }
    }

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
    }
}

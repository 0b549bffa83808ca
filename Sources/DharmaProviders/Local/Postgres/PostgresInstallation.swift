import DharmaCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL server programs on this machine (`initdb`, `pg_ctl`, `psql`), and the account
/// that runs them: PostgreSQL refuses to run as root, so when Dharma is root the server runs as
/// the `postgres` system account, with its data under that account's home.
struct PostgresInstallation: Sendable {
    /// Points at a directory holding `initdb` and `pg_ctl`, for servers installed elsewhere.
    static let binVariable = "DHARMA_POSTGRES_BIN"

    var binDirectory: String
    /// The major version, e.g. "15".
    var version: String
    /// Set when the server must run as another account than this process's.
    var account: Account?

    struct Account: Sendable {
        var name: String
        var uid: uid_t
        var gid: gid_t
        var home: String
    }

    /// The server of the wanted major version when installed, else the newest one there is.
    static func find(version wanted: String?, resource: String) async throws -> PostgresInstallation {
        var candidates: [(version: String, bin: String)] = []
        if let configured = ProcessInfoEnvironment.value(binVariable), !configured.isEmpty {
            candidates.append((await majorVersion(bin: configured) ?? "", configured))
        } else {
            let root = "/usr/lib/postgresql"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where access("\(root)/\(entry)/bin/pg_ctl", X_OK) == 0 {
                candidates.append((entry, "\(root)/\(entry)/bin"))
            }
            if candidates.isEmpty, let pgCtl = ProcessLauncher.resolveExecutable("pg_ctl", base: "/") {
                let bin = (pgCtl as NSString).deletingLastPathComponent
                candidates.append((await majorVersion(bin: bin) ?? "", bin))
            }
        }
        let ordered = candidates.sorted { (Int($0.version) ?? 0) > (Int($1.version) ?? 0) }
        guard let chosen = ordered.first(where: { $0.version == wanted }) ?? ordered.first else {
            throw ProviderError(
                resource: resource,
                "the local runtime needs a PostgreSQL server (initdb, pg_ctl), and none was found "
                    + "in /usr/lib/postgresql/*/bin or PATH; install one (e.g. `apt install postgresql`) or set \(binVariable)")
        }
        guard access("\(chosen.bin)/initdb", X_OK) == 0 else {
            throw ProviderError(resource: resource, "\(chosen.bin) has pg_ctl but no initdb")
        }
        return PostgresInstallation(binDirectory: chosen.bin, version: chosen.version, account: try serverAccount(resource: resource))
    }

    /// nil when this process may run the server itself.
    static func serverAccount(resource: String) throws -> Account? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else {
            throw ProviderError(
                resource: resource,
                "PostgreSQL refuses to run as root, and there is no `postgres` account to run it as; "
                    + "run dharma as an ordinary user")
        }
        return Account(name: "postgres", uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, home: String(cString: entry.pointee.pw_dir))
    }

    /// `pg_ctl --version` prints e.g. "pg_ctl (PostgreSQL) 15.18".
    private static func majorVersion(bin: String) async -> String? {
        guard let result = try? await CommandRunner.run(bin + "/pg_ctl", ["--version"], timeout: 10), result.succeeded else { return nil }
        return result.output.split(separator: " ").last?.split(separator: ".").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Runs one of the server's programs, as the server's account when there is one.
    func run(_ program: String, _ arguments: [String], timeout: Double = 60) async throws -> CommandRunner.Result {
        let path = "\(binDirectory)/\(program)"
        guard let account else { return try await CommandRunner.run(path, arguments, timeout: timeout) }
        return try await CommandRunner.run("/usr/sbin/runuser", ["-u", account.name, "--", path] + arguments, timeout: timeout)
    }

    /// Creates `path` and its missing parents, owned by the server's account.
    func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let account { chown(path, account.uid, account.gid) }
    }

    /// Writes a file the server's account can read, and nobody else.
    func writePrivate(_ text: String, to path: String, resource: String) throws {
        try LocalPaths.writeAtomically(Data(text.utf8), to: path, mode: 0o600, resource: resource)
        if let account { chown(path, account.uid, account.gid) }
    }
}

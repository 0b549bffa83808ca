import DharmaCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One PostgreSQL server the local runtime runs: a data directory made by `initdb`, started and
/// stopped with `pg_ctl`, listening on a loopback port only, with pg_stat_statements loaded so
/// the autopilot can see slow queries.
struct PostgresCluster: Sendable {
    let installation: PostgresInstallation
    /// Holds `data/` and `server.log`.
    let directory: String
    let resource: String

    var dataDirectory: String { directory + "/data" }
    var logPath: String { directory + "/server.log" }
    /// Dharma's settings, included from postgresql.conf.
    var settingsPath: String { dataDirectory + "/dharma.conf" }

    /// Under the state directory; under the server account's home when that is another account
    /// (a root-owned state directory, often below a 0700 /tmp or /root, is out of its reach).
    init(resource: String, installation: PostgresInstallation, context: ProviderContext) {
        self.installation = installation
        self.resource = resource
        if let account = installation.account {
            let stateKey = ContentHash.sha256(Data(context.stateDirectory.utf8)).prefix(12)
            directory = "\(account.home)/dharma/\(stateKey)/\(ResourceAddress.flatName(of: resource))"
        } else {
            directory = "\(context.stateDirectory)/postgres/\(ResourceAddress.flatName(of: resource))"
        }
    }

    init(resource: String, installation: PostgresInstallation, directory: String) {
        self.installation = installation
        self.resource = resource
        self.directory = directory
    }

    /// The directory whose subfolders hold this cluster: the server account's home, or the
    /// state directory. Removing the cluster prunes the folders apply made up to it.
    var root: String {
        if let account = installation.account { return account.home }
        return ((directory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }

    /// Removes the server's files, then the folders apply made for it that are left empty
    /// (`dharma/STATEKEY` under the account's home, `postgres` under the state directory), so
    /// no destroyed database leaves a directory behind.
    func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
        var parent = (directory as NSString).deletingLastPathComponent
        let stop = URL(fileURLWithPath: root).standardizedFileURL.path
        while parent.hasPrefix(stop + "/"), URL(fileURLWithPath: parent).standardizedFileURL.path != stop {
            // rmdir removes only an empty directory: another stack's or database's stays.
            guard rmdir(parent) == 0 else { return }
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
    }

    /// Runs `initdb` with password authentication for every connection.
    func initialize(user: String, password: String) async throws {
        try installation.makeDirectory(directory)
        let passwordFile = directory + "/.initdb-password"
        try installation.writePrivate(password + "\n", to: passwordFile, resource: resource)
        defer { unlink(passwordFile) }
        let result = try await installation.run(
            "initdb",
            [
                "-D", dataDirectory, "-U", user, "--pwfile=\(passwordFile)",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
            ], timeout: 120)
        guard result.succeeded else { throw ProviderError(resource: resource, "initdb failed: \(result.complaint)") }
        let configuration = dataDirectory + "/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: configuration) else {
            throw ProviderError(resource: resource, "cannot open \(configuration) to include Dharma's settings")
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try handle.write(contentsOf: Data("\ninclude_if_exists = 'dharma.conf'\n".utf8))
    }

    /// Writes the settings for `port`; true when they changed (a running server must restart).
    func configure(port: Int) throws -> Bool {
        let settings = """
            # Written by Dharma; changed on every apply.
            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            shared_preload_libraries = 'pg_stat_statements'
            pg_stat_statements.track = 'top'

            """
        if (try? String(contentsOfFile: settingsPath, encoding: .utf8)) == settings { return false }
        try installation.writePrivate(settings, to: settingsPath, resource: resource)
        return true
    }

    /// The postmaster's pid, while it runs.
    var runningPID: Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = Int32(first.trimmingCharacters(in: .whitespaces)),
            let info = ProcessTable.info(pid), !info.isZombie,
            info.arguments.first.map({ ($0 as NSString).lastPathComponent.hasPrefix("postgres") }) == true
        else { return nil }
        return pid
    }

    func start() async throws {
        var attempt = 0
        while true {
            let result = try await installation.run("pg_ctl", ["-D", dataDirectory, "-l", logPath, "-w", "-t", "60", "start"], timeout: 90)
            if result.succeeded { return }
            // When the postmaster was killed, its children notice and exit within moments; until
            // they have, they hold its shared memory and a new server refuses to start.
            attempt += 1
            guard attempt < 20, logTail.contains("Is another postmaster") else {
                throw ProviderError(resource: resource, "PostgreSQL did not start: \(result.complaint)\(logTail)")
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func restart() async throws {
        let result = try await installation.run("pg_ctl", ["-D", dataDirectory, "-l", logPath, "-w", "-t", "60", "-m", "fast", "restart"], timeout: 90)
        guard result.succeeded else {
            throw ProviderError(resource: resource, "PostgreSQL did not restart: \(result.complaint)\(logTail)")
        }
    }

    /// Fast shutdown: sessions are disconnected, committed work is kept.
    func stop() async throws {
        guard runningPID != nil else { return }
        let result = try await installation.run("pg_ctl", ["-D", dataDirectory, "-w", "-t", "60", "-m", "fast", "stop"], timeout: 90)
        guard result.succeeded else { throw ProviderError(resource: resource, "PostgreSQL did not stop: \(result.complaint)") }
    }

    /// The end of the server log, which says why a start failed.
    private var logTail: String {
        guard let log = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        let lines = log.split(separator: "\n").suffix(5)
        return lines.isEmpty ? "" : "; server log (\(logPath)):\n  " + lines.joined(separator: "\n  ")
    }
}

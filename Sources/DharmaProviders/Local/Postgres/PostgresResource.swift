import DharmaCore
import DharmaNet
import Foundation

/// `database.postgres` on the local provider: a real PostgreSQL server on a loopback port, with
/// one database named after the resource and an administrator whose password lives in a
/// libpq password file (`passfile`), never in outputs. Consumers connect with
/// `PGPASSFILE=${db.passfile}` and `${db.url}`.
struct PostgresResource {
    func apply(_ resource: DesiredResource, prior: ResourceState?, context: ProviderContext) async throws -> [String: Value] {
        let installation = try await PostgresInstallation.find(version: resource.inputs["version"]?.stringValue, resource: resource.name)
        let cluster = PostgresCluster(resource: resource.name, installation: installation, context: context)
        let user = try Self.identifier(resource.inputs["username"]?.stringValue ?? "dharma", what: "username", resource: resource.name)
        let database = try Self.identifier(
            ResourceAddress.flatName(of: resource.name).lowercased().replacingOccurrences(of: "-", with: "_"), what: "name", resource: resource.name)
        let port = resource.inputs["port"]?.intValue ?? 5432
        let passfile = "\(context.stateDirectory)/postgres/\(ResourceAddress.flatName(of: resource.name)).pgpass"
        let stored = Self.storedPassword(passfile)
        let password = resource.inputs["password"]?.stringValue ?? stored ?? SecretResource.generated(length: 32)

        let wasRunning = cluster.runningPID != nil
        if !wasRunning, ReadinessProbe.tcpAccepts(port: port, timeout: 0.5) {
            throw ProviderError.portTaken(port, resource: resource.name)
        }
        let fresh = !cluster.isInitialized
        if fresh {
            // The password is on disk before the server knows it: an apply killed half-way
            // leaves a server that the next apply can still log in to.
            try Self.writePassfile(passfile, port: port, user: user, password: password, resource: resource.name)
            try await cluster.initialize(user: user, password: password)
        }
        let reconfigured = try cluster.configure(port: port)
        if wasRunning && reconfigured {
            try await cluster.restart()
        } else if !wasRunning {
            try await cluster.start()
        }
        // The password file is written for the password the server has: on a cluster that
        // already existed, the recorded one until it is changed below.
        let serverPassword = fresh ? password : (stored ?? password)
        try Self.writePassfile(passfile, port: port, user: user, password: serverPassword, resource: resource.name)
        let admin = PostgresClient(
            psql: installation.binDirectory + "/psql", host: "127.0.0.1", port: port, user: user,
            database: "postgres", passfile: passfile)
        do {
            if serverPassword != password {
                try await admin.execute("ALTER ROLE \(PostgresClient.identifier(user)) PASSWORD \(PostgresClient.literal(password));")
                try Self.writePassfile(passfile, port: port, user: user, password: password, resource: resource.name)
            }
            let exists = try await admin.execute("SELECT count(*) FROM pg_database WHERE datname = \(PostgresClient.literal(database));")
            if exists == "0" { try await admin.execute("CREATE DATABASE \(PostgresClient.identifier(database));") }
            try await admin.on(database).execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;")
        } catch {
            throw ProviderError(resource: resource.name, "\(error)")
        }
        return [
            "host": .string("127.0.0.1"), "port": .int(port), "endpoint": .string("127.0.0.1:\(port)"),
            "url": .string("postgresql://\(user)@127.0.0.1:\(port)/\(database)"), "database": .string(database),
            "username": .string(user), "passfile": .string(passfile), "dataDirectory": .string(cluster.dataDirectory),
            "bin": .string(installation.binDirectory), "version": .string(installation.version),
            "pid": .int(Int(cluster.runningPID ?? 0)), "log": .string(cluster.logPath),
        ]
    }

    func refresh(_ state: ResourceState) -> Observation {
        guard let cluster = Self.cluster(of: state), cluster.isInitialized else { return .missing }
        guard cluster.runningPID == nil else { return Observation(exists: true, drift: []) }
        // Reported like a service replica that is down, so the autopilot restarts it with back-off.
        return Observation(exists: true, drift: [AttributeDiff(attribute: "replica[0].process", old: .string("running"), new: .string("stopped"))])
    }

    func delete(_ state: ResourceState) async throws {
        if state.inputs["deletionProtection"]?.boolValue ?? true {
            throw ProviderError(resource: state.name, "deletion protection is on: set `deletionProtection: false` and apply, then delete")
        }
        guard let cluster = Self.cluster(of: state) else { return }
        try await cluster.stop()
        cluster.removeFiles()
        if let passfile = state.outputs["passfile"]?.stringValue { try? FileManager.default.removeItem(atPath: passfile) }
    }

    /// The server a recorded state points at.
    static func cluster(of state: ResourceState) -> PostgresCluster? {
        guard let data = state.outputs["dataDirectory"]?.stringValue, let bin = state.outputs["bin"]?.stringValue else { return nil }
        let account = try? PostgresInstallation.serverAccount(resource: state.name)
        let installation = PostgresInstallation(binDirectory: bin, version: state.outputs["version"]?.stringValue ?? "", account: account)
        return PostgresCluster(resource: state.name, installation: installation, directory: (data as NSString).deletingLastPathComponent)
    }

    static func identifier(_ name: String, what: String, resource: String) throws -> String {
        let allowed = name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" }
        guard !name.isEmpty, name.count <= 63, allowed, name.first.map({ !$0.isNumber }) == true else {
            throw ProviderError(
                resource: resource, "\(what) `\(name)` is not a plain PostgreSQL name (letters, digits and _, at most 63, not starting with a digit)")
        }
        return name
    }

    /// The password in a password file Dharma wrote (`host:port:db:user:password`).
    static func storedPassword(_ passfile: String) -> String? {
        guard let text = try? String(contentsOfFile: passfile, encoding: .utf8), let line = text.split(separator: "\n").first else { return nil }
        let fields = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5 else { return nil }
        return String(fields[4]).replacingOccurrences(of: "\\:", with: ":").replacingOccurrences(of: "\\\\", with: "\\")
    }

    static func writePassfile(_ passfile: String, port: Int, user: String, password: String, resource: String) throws {
        let escaped = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
        try LocalPaths.writeAtomically(Data("127.0.0.1:\(port):*:\(user):\(escaped)\n".utf8), to: passfile, mode: 0o600, resource: resource)
    }
}

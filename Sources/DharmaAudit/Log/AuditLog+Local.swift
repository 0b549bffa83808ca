import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

extension AuditLog {
    /// The key name (and note origin prefix) of a local log.
    public static let keyName = "dharma-log"

    /// The log kept next to a stack's state: same database, keys under `STATE_DIR/keys/`.
    public static func local(store: any AuditStore, stateDirectory: String, databasePath: String) throws -> AuditLog {
        let keys = KeyDirectory(path: stateDirectory + "/keys")
        let signers: [NoteSigner], retired: [NoteVerifier]
        do {
            signers = try keys.signers(named: keyName)
            retired = try keys.retiredVerifiers(of: keyName)
        } catch {
            throw AuditError("audit log keys: \(error)")
        }
        let absolute = URL(fileURLWithPath: databasePath).standardizedFileURL.path
        return AuditLog(
            store: store, origin: "dharma.local/\(Digest.fnv1a64Hex(Array(absolute.utf8)).prefix(12))", signers: signers,
            retired: retired)
    }

    /// Replaces the log's keys: the old pair is retired (kept for verifying old checkpoints),
    /// a new pair is made, and the rotation is itself the first entry signed with the new keys.
    public static func rotateKeys(store: any AuditStore, stateDirectory: String, databasePath: String, reason: String?) async throws -> (AuditLog, AuditEntry) {
        let keys = KeyDirectory(path: stateDirectory + "/keys")
        let old: [NoteVerifier]
        do { old = try keys.retire(keyName) } catch { throw AuditError("cannot rotate the log keys: \(error)") }
        let log = try local(store: store, stateDirectory: stateDirectory, databasePath: databasePath)
        let describe = { (verifiers: [NoteVerifier]) in
            verifiers.map { "\($0.algorithm.name) \($0.keyID.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())" }.joined(separator: ", ")
        }
        let entries = try await log.append([
            AuditDraft(
                actor: currentActor, action: "key-rotate", stack: "-",
                reason: (reason.map { "\($0); " } ?? "") + "retired \(describe(old)); now signing with \(describe(await log.currentVerifiers))")
        ])
        guard let entry = entries.first else { throw AuditError("the rotation was not recorded") }
        return (log, entry)
    }

    /// `user@host` of whoever runs this process.
    public static var currentActor: String {
        let environment = ProcessInfo.processInfo.environment
        let user =
            environment["DHARMA_ACTOR"] ?? environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        return "\(user)@\(LockHolder.current("audit").host)"
    }
}

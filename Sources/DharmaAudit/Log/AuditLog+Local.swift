import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

extension AuditLog {
    /// The key name (and note origin prefix) of a local log.
    public static let keyName = "dharma-log"

    /// The log kept next to a stack's state: same database, keys under `STATE_DIR/keys/`.
    public static func local(store: any AuditStore, stateDirectory: String, databasePath: String) throws -> AuditLog {
        let signers: [NoteSigner]
        do {
            signers = try KeyDirectory(path: stateDirectory + "/keys").signers(named: keyName)
        } catch {
            throw AuditError("audit log keys: \(error)")
        }
        let absolute = URL(fileURLWithPath: databasePath).standardizedFileURL.path
        return AuditLog(store: store, origin: "dharma.local/\(Digest.fnv1a64Hex(Array(absolute.utf8)).prefix(12))", signers: signers)
    }

    /// `user@host` of whoever runs this process.
    public static var currentActor: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["DHARMA_ACTOR"] ?? environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        return "\(user)@\(LockHolder.current("audit").host)"
    }
}

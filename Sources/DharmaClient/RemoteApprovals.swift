import DharmaAPI
import DharmaAudit
import DharmaSecurity
import DharmaService
import Foundation

/// Approvals signed on the approver's own machine: the keys stay in the approver's
/// configuration directory, the server gets their public halves once (`dharma keys register`)
/// and verifies every approval with them.
extension RemoteStackService {
    /// The approver's own signing keys: `~/.config/dharma/keys` (or `$XDG_CONFIG_HOME/dharma/keys`),
    /// created on first use with mode 0600.
    public static func approverKeys(environment: [String: String]) -> KeyDirectory {
        KeyDirectory(path: (RemoteConfiguration.path(environment: environment) as NSString).deletingLastPathComponent + "/keys")
    }

    /// The caller's name on the server, which their keys are named by.
    public func userName() async throws(ServiceError) -> String {
        let output = try await client.call { try await api.getCurrentUser() }
        guard case .ok(let ok) = output, case .json(let me) = ok.body else { throw client.unexpected(output) }
        return me.name
    }

    /// The caller's public keys from `keys` (created on first use), in signed-note form.
    public func ownVerifiers(in keys: KeyDirectory) async throws(ServiceError) -> (name: String, keys: [String]) {
        let name = try await userName()
        do {
            return (name, try keys.signers(named: name).map(\.verifier.encoded))
        } catch {
            throw .failed("\(keys.path): \(error.description)")
        }
    }

    /// Registers the caller's public keys with the server, replacing earlier ones.
    public func registerApprovalKeys(from keys: KeyDirectory) async throws(ServiceError) -> [String] {
        let own = try await ownVerifiers(in: keys)
        let output = try await client.call { try await api.setApprovalKeys(body: .json(.init(keys: own.keys))) }
        guard case .ok(let ok) = output, case .json(let registered) = ok.body else { throw client.unexpected(output) }
        return registered.keys
    }

    /// Approves the run with a signed note over its approval statement, signed here with the
    /// caller's own keys.
    public func approveSigned(_ id: String, reason: String?, keys: KeyDirectory) async throws(ServiceError) -> Components.Schemas.Run {
        let organisation = try await client.organisation()
        let name = try await userName()
        let output = try await client.call { try await api.getRunApproval(path: .init(org: organisation, run: id)) }
        guard case .ok(let ok) = output, case .json(let request) = ok.body else { throw client.unexpected(output) }
        let note: SignedNote
        do {
            note = try SignedNote(text: request.statement, signers: try keys.signers(named: name))
        } catch {
            throw .failed("cannot sign the approval of run \(id) with the keys in \(keys.path): \(error)")
        }
        let approved = try await client.call {
            try await api.approveRun(path: .init(org: organisation, run: id), body: .json(.init(reason: reason, signature: note.serialized)))
        }
        guard case .ok(let done) = approved, case .json(let run) = done.body else { throw client.unexpected(approved) }
        return run
    }
}

import DharmaAudit
import DharmaSecurity
import DharmaStore
import Foundation

/// The witnesses an organisation's audit log pushes its checkpoints to: admins register them
/// with their verifier keys, members see them and how far each has cosigned.
public struct WitnessingService: Sendable {
    public var tenants: TenantService
    public var pusher: CheckpointPusher

    public init(tenants: TenantService, pusher: CheckpointPusher) {
        self.tenants = tenants
        self.pusher = pusher
    }

    public func witnesses(of organisation: String) async throws(ServiceError) -> [LogWitness] {
        try await tenants.witnesses(of: organisation)
    }

    /// Registers the witness (or replaces the one of that name): both of its keys, Ed25519
    /// (`cosignature/v1`) and ML-DSA-65, named as the witness is.
    public func setWitness(_ name: String, url: String, keys: [String], in organisation: String) async throws(ServiceError) -> LogWitness {
        _ = try await tenants.access.require(.administer, in: organisation, to: "configure witnesses")
        let name = try TenantService.name(name, "witness name")
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
            throw .unprocessable("url `\(url.prefix(100))`: the witness's http(s) submission prefix", pointer: "/url")
        }
        var verifiers: [NoteVerifier] = []
        for key in keys {
            do {
                verifiers.append(try NoteVerifier(encoded: key))
            } catch {
                throw .unprocessable("keys: \(error)", pointer: "/keys")
            }
        }
        guard verifiers.allSatisfy({ $0.name == name }) else { throw .unprocessable("keys: each key must be named `\(name)`", pointer: "/keys") }
        guard Set(verifiers.map(\.algorithm)) == Set(SignatureAlgorithm.allCases) else {
            throw .unprocessable("keys: give both of the witness's keys, Ed25519 and ML-DSA-65 (`dharma witness key`)", pointer: "/keys")
        }
        let existing = try await serviceCall { try await tenants.store.witnesses(of: organisation) }.first { $0.name == name }
        let witness = LogWitness(
            organisation: organisation, name: name, url: url, keys: keys,
            cosignedSize: existing?.keys == keys ? existing?.cosignedSize ?? 0 : 0, updatedAt: Date().timeIntervalSince1970)
        try await serviceCall { try await tenants.store.saveWitness(witness) }
        try await tenants.recordOrganisation(organisation, action: "witness-set", reason: "\(name) at \(parsed.host ?? "")")
        return witness
    }

    public func removeWitness(_ name: String, in organisation: String) async throws(ServiceError) {
        _ = try await tenants.access.require(.administer, in: organisation, to: "configure witnesses")
        guard try await serviceCall({ try await tenants.store.removeWitness(name, of: organisation) }) else {
            throw .notFound("witness `\(name)` not found")
        }
        try await tenants.recordOrganisation(organisation, action: "witness-removed", reason: name)
    }

    /// Pushes the newest checkpoint to every witness now, and says what each answered.
    public func cosign(in organisation: String) async throws(ServiceError) -> [CheckpointPusher.Outcome] {
        _ = try await tenants.access.require(.administer, in: organisation, to: "collect cosignatures")
        _ = try await tenants.auditScope(organisation, .read, to: "collect cosignatures")
        return await pusher.push(organisation)
    }
}

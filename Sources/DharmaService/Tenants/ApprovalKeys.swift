import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

/// The public keys a user approves with from their own machine (`dharma keys register`): the
/// server verifies approvals with them and never holds the private halves.
extension TenantService {
    /// The caller's registered keys, as signed-note verifier keys.
    public func approvalKeys() async throws(ServiceError) -> [String] {
        let user = context.principal.name
        return try await serviceCall { try await store.approvalKeys(of: user) }
    }

    /// Registers the caller's keys, replacing earlier ones: one Ed25519 and one ML-DSA-65 key,
    /// each named as the caller is.
    public func setApprovalKeys(_ keys: [String]) async throws(ServiceError) -> [String] {
        let user = context.principal.name
        var verifiers: [NoteVerifier] = []
        for key in keys {
            do {
                verifiers.append(try NoteVerifier(encoded: key))
            } catch {
                throw .unprocessable("keys: \(error)", pointer: "/keys")
            }
        }
        guard verifiers.allSatisfy({ $0.name == user && !$0.isCosigner }) else {
            throw .unprocessable("keys: each key must be named `\(user)`, as you are (`dharma keys show`)", pointer: "/keys")
        }
        guard verifiers.count == 2, Set(verifiers.map(\.algorithm)) == Set(SignatureAlgorithm.allCases) else {
            throw .unprocessable("keys: give both of your keys, Ed25519 and ML-DSA-65", pointer: "/keys")
        }
        let exists = try await serviceCall { try await store.user(named: user) != nil }
        guard exists else { throw .notFound("user `\(user)` not found") }
        try await serviceCall { try await store.setApprovalKeys(keys, of: user) }
        try await recordServer("approval-keys-set", reason: "\(user) registered keys \(verifiers.map { Data($0.keyID).hexEncoded }.joined(separator: ", "))")
        return keys
    }

    /// The registered keys of each of `users` that has some.
    func registeredVerifiers(of users: [String]) async throws(ServiceError) -> [String: [NoteVerifier]] {
        var verifiers: [String: [NoteVerifier]] = [:]
        for user in users {
            let keys = try await serviceCall { try await store.approvalKeys(of: user) }
            let parsed = keys.compactMap { try? NoteVerifier(encoded: $0) }
            if !parsed.isEmpty { verifiers[user] = parsed }
        }
        return verifiers
    }
}

/// Where each user's registered approval keys are kept: public keys only, in signed-note
/// verifier form (`NAME+ID+KEY`), one per algorithm.
public protocol ApprovalKeyStore: Sendable {
    func approvalKeys(of user: String) async throws -> [String]
    func setApprovalKeys(_ keys: [String], of user: String) async throws
}

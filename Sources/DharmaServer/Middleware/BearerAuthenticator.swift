import DharmaService
import DharmaStore
import Logging

/// Who an `Authorization: Bearer` header stands for: a Dharma API token (`dharma_…`), or, when
/// the server trusts an OIDC issuer, a JWT from it. Nil for anything else; why a JWT was
/// refused goes to the log, never to the caller.
struct BearerAuthenticator: Sendable {
    let store: any TenantStore
    let oidc: OIDCVerifier?
    let logger: Logger

    func principal(header: String?) async throws -> Principal? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        if let principal = try await TenantService.authenticate(secret, store: store) { return principal }
        guard let oidc, secret.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { return nil }
        do {
            return try await oidc.principal(for: secret, store: store)
        } catch {
            logger.info("an OIDC token was refused", metadata: ["reason": "\(error)"])
            return nil
        }
    }
}

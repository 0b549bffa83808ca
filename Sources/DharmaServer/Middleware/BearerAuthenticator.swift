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
        guard let header, let secret = Self.credential(in: header) else { return nil }
        if let principal = try await TenantService.authenticate(secret, store: store) { return principal }
        guard let oidc, secret.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { return nil }
        do {
            return try await oidc.principal(for: secret, store: store)
        } catch {
            logger.info("an OIDC token was refused", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// The credential of an `Authorization: Bearer …` header (the scheme in any case, spaces
    /// around the credential ignored); nil for another scheme or none.
    static func credential(in header: String) -> String? {
        let bytes = header.utf8
        let lowercased = { (byte: UInt8) in (65...90).contains(byte) ? byte | 0x20 : byte }
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard bytes.count > 7, bytes.prefix(7).elementsEqual("bearer ".utf8, by: { lowercased($0) == $1 }) else { return nil }
        let credential = bytes.dropFirst(7).drop(while: blank)
        let end = credential.lastIndex { !blank($0) }
        guard let end else { return nil }
        return String(Substring(header[credential.startIndex...end]))
    }
}

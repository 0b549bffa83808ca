import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636) with the S256 method: the client sends the SHA-256 of
/// a random verifier with the authorisation request and the verifier itself with the code, so a
/// code intercepted on its way back is useless to anyone else.
public enum PKCE {
    /// 256 random bits as 64 hex digits: within the 43–128 unreserved characters RFC 7636 allows.
    public static func verifier() -> String {
        APITokenSecret.identifier(bytes: 32)
    }

    /// `BASE64URL(SHA256(verifier))`, without padding (RFC 7636 §4.2).
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

import Crypto
import DharmaCore
import Foundation

/// An API token's secret: 256 random bits, written `dharma_` and base64url. The server keeps
/// only its SHA-256, so a copy of the database lets no one in.
public struct APITokenSecret: Sendable, Hashable {
    public static let prefix = "dharma_"
    public let text: String

    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), text.count == Self.prefix.count + 43 else { return nil }
        self.text = text
    }

    private init(unchecked text: String) {
        self.text = text
    }

    public static func generate() -> APITokenSecret {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let encoded = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APITokenSecret(unchecked: prefix + encoded)
    }

    /// What the store keeps and looks the token up by.
    public var hash: String {
        SHA256.hash(data: Data(text.utf8)).hexEncoded
    }

    /// A short random identifier, for naming things (tokens, runs) without revealing anything.
    public static func identifier(bytes count: Int = 8) -> String {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Data($0) }.hexEncoded
    }
}

extension APITokenSecret {
    /// A value only the holder of this secret can compute, for `purpose`: the web console's
    /// CSRF token is one derived from the session's secret, so it needs no storage of its own.
    public func derived(for purpose: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: SymmetricKey(data: Data(text.utf8))).hexEncoded
    }
}

import Crypto
import Foundation

/// Posts audit entries to an HTTP endpoint as JSON, signed with HMAC-SHA256 over the body
/// (`X-Dharma-Signature: sha256=HEX`, as GitHub webhooks do), retried with backoff. Delivery
/// never blocks or fails a change; failures are reported to the caller.
public struct AuditWebhook: Sendable {
    public var url: URL
    public var secret: Data
    /// Actions to post; empty means all.
    public var actions: Set<String>
    public var attempts: Int
    public var firstBackoff: Duration
    public var timeout: Double

    public init(
        url: URL, secret: Data, actions: Set<String> = [], attempts: Int = 4, firstBackoff: Duration = .milliseconds(250),
        timeout: Double = 5
    ) {
        self.url = url
        self.secret = secret
        self.actions = actions
        self.attempts = max(1, attempts)
        self.firstBackoff = firstBackoff
        self.timeout = timeout
    }

    public static let signatureHeader = "X-Dharma-Signature"

    public static func signature(of body: Data, secret: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public enum Delivery: Sendable, Equatable {
        case skipped
        case delivered(attempts: Int)
        case failed(String)
    }

    /// Delivers one entry: its canonical JSON is the body.
    public func deliver(_ entry: AuditEntry) async -> Delivery {
        guard actions.isEmpty || actions.contains(entry.action) else { return .skipped }
        let body = Data(entry.canonicalJSON.utf8)
        let delivery = WebhookPoster(attempts: attempts, firstBackoff: firstBackoff, timeout: timeout)
        switch await delivery.post(
            body, to: url,
            headers: [
                Self.signatureHeader: Self.signature(of: body, secret: secret),
                "X-Dharma-Audit-Seq": String(entry.seq),
            ])
        {
        case .delivered(let attempts):
            return .delivered(attempts: attempts)
        case .failed(let attempts, let problem):
            return .failed("audit webhook \(url.absoluteString): entry #\(entry.seq) not delivered after \(attempts) attempt(s): \(problem)")
        }
    }
}

import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// POSTs a body to an HTTP endpoint, retrying with exponential backoff on network errors,
/// timeouts, 429 and 5xx; other 4xx answers are final, since the receiver will not change its
/// mind. Shared by the audit webhook and incident notifications.
public struct WebhookPoster: Sendable {
    public var attempts: Int
    public var firstBackoff: Duration
    public var timeout: Double

    public init(attempts: Int = 4, firstBackoff: Duration = .milliseconds(250), timeout: Double = 5) {
        self.attempts = max(1, attempts)
        self.firstBackoff = firstBackoff
        self.timeout = timeout
    }

    public enum Outcome: Sendable, Equatable {
        case delivered(attempts: Int)
        /// What the last attempt got, e.g. "HTTP 500" or the network error.
        case failed(attempts: Int, problem: String)
    }

    public func post(_ body: Data, to url: URL, headers: [String: String] = [:]) async -> Outcome {
        var backoff = firstBackoff
        var lastProblem = ""
        for attempt in 1...attempts {
            let answer = await once(body, to: url, headers: headers)
            if let status = answer.status {
                if (200..<300).contains(status) { return .delivered(attempts: attempt) }
                lastProblem = "HTTP \(status)"
                if !Self.isWorthRetrying(status) { return .failed(attempts: attempt, problem: lastProblem) }
            } else {
                lastProblem = answer.problem ?? "no answer"
            }
            if attempt < attempts {
                try? await Task.sleep(for: backoff)
                backoff *= 2
            }
        }
        return .failed(attempts: attempts, problem: lastProblem)
    }

    /// One POST: the status the endpoint answered, or why there was none.
    public func once(_ body: Data, to url: URL, headers: [String: String] = [:]) async -> (status: Int?, problem: String?) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            return (try await send(request), nil)
        } catch {
            return (nil, error.localizedDescription)
        }
    }

    /// Other 4xx answers are final: the receiver will not change its mind.
    public static func isWorthRetrying(_ status: Int) -> Bool {
        !(400..<500).contains(status) || status == 408 || status == 429
    }

    private func send(_ request: URLRequest) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode ?? 0)
                }
            }.resume()
        }
    }
}

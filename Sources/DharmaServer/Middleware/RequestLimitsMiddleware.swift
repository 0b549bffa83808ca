import DharmaService
import Foundation
import Hummingbird
import Synchronization

/// Limits against clients that send too much: a body larger than the limit is 413 before the
/// handler reads it, and each principal has a token bucket of requests per minute; an empty
/// bucket answers 429 with `Retry-After`.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let buckets: RateBuckets

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let principal = RequestPrincipal.current, let wait = buckets.take(principal.name) {
            return ProblemDocument(
                status: .tooManyRequests, code: "rate-limited", detail: "too many requests from \(principal.name); try again in \(wait) s",
                instance: request.uri.path
            ).response(headers: [.retryAfter: String(wait)])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            return Self.tooLarge(request, maxBodyBytes)
        }
        var request = request
        if request.headers[.contentLength] == nil, request.method == .post || request.method == .put || request.method == .patch {
            // A body of unknown length is read here, up to the limit, so a chunked upload
            // cannot be larger than a declared one.
            do {
                let buffer = try await request.body.collect(upTo: maxBodyBytes)
                request.body = RequestBody(buffer: buffer)
            } catch {
                return Self.tooLarge(request, maxBodyBytes)
            }
        }
        return try await next(request, context)
    }

    static func tooLarge(_ request: Request, _ limit: Int) -> Response {
        ProblemDocument(status: .contentTooLarge, code: "body-too-large", detail: "the request body is larger than \(limit) bytes", instance: request.uri.path)
            .response()
    }
}

/// One token bucket per principal, refilled continuously.
final class RateBuckets: Sendable {
    let perMinute: Double
    private let state = Mutex<[String: (tokens: Double, at: Double)]>([:])

    init(perMinute: Int) {
        self.perMinute = Double(max(1, perMinute))
    }

    /// Takes one request from `key`'s bucket; the seconds to wait when it is empty.
    func take(_ key: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        state.withLock { buckets in
            var bucket = buckets[key] ?? (perMinute, now)
            bucket.tokens = min(perMinute, bucket.tokens + (now - bucket.at) * perMinute / 60)
            bucket.at = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}

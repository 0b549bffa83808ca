/// One append at a time per log in this process. Each stack engine, supervisor and service
/// opens its own `AuditLog` on an organisation's database, and two of them appending at once
/// (a destroy run while the supervisor records the incident it causes) would both number
/// their entry after the same last one; the store refuses the second, and the change it
/// records would be left out of the log. Across processes the store's check still refuses.
actor SerialAppends {
    private static let shared = SerialAppends()

    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once no other append to the log named `origin` is running here.
    static func run<Result: Sendable>(
        _ origin: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
    ) async throws -> Result {
        await shared.acquire(origin)
        do {
            let result = try await body()
            await shared.release(origin)
            return result
        } catch {
            await shared.release(origin)
            throw error
        }
    }

    private func acquire(_ origin: String) async {
        guard busy.contains(origin) else {
            busy.insert(origin)
            return
        }
        await withCheckedContinuation { waiting[origin, default: []].append($0) }
    }

    /// Hands the log to the next waiter, if any (it stays busy), else frees it.
    private func release(_ origin: String) {
        guard var queue = waiting[origin], !queue.isEmpty else {
            busy.remove(origin)
            return
        }
        let next = queue.removeFirst()
        waiting[origin] = queue.isEmpty ? nil : queue
        next.resume()
    }
}

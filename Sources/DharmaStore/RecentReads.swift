import Foundation
import GRDB
import Synchronization

/// Values read from a database in the last few seconds, for reads every request makes (its
/// credentials, a stack's page): reading them was most of a small request's work, mostly the
/// hop to the database's queue and back.
///
/// A commit in this process that touches the observed tables empties it, on the writer's
/// queue before the write returns, so a reader never sees an older value than its own write.
/// A read that raced such a commit is not kept (the generation it started under is gone).
/// A write by another process is seen within `lifetime`. Nothing is kept for a missing key.
final class RecentReads<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var generation = 0
        var values: [Key: (until: Double, value: Value)] = [:]
    }

    let lifetime: Double
    let capacity: Int
    private let entries = Mutex(Entries())
    private let observation = Mutex<AnyDatabaseCancellable?>(nil)
    /// Set when the observation could not start: then nothing is kept at all.
    private let disabled = Atomic<Bool>(false)

    /// Observes `region` in `pool`; changes to anything outside it never empty the cache.
    init(observing region: [any DatabaseRegionConvertible], in pool: DatabasePool, lifetime: Double, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
        let cancellable = DatabaseRegionObservation(tracking: region).start(
            in: pool, onError: { [weak self] _ in self?.disable() }, onChange: { [weak self] _ in self?.forget() })
        observation.withLock { $0 = cancellable }
    }

    /// The value for `key`: the one read in the last `lifetime` seconds, or `read()`'s.
    func value(for key: Key, now: Double = Date().timeIntervalSince1970, read: () async throws -> Value?) async rethrows -> Value? {
        let (generation, recent) = entries.withLock { ($0.generation, $0.values[key]) }
        if let recent, recent.until > now { return recent.value }
        guard let found = try await read() else { return nil }
        guard !disabled.load(ordering: .relaxed) else { return found }
        entries.withLock { entries in
            guard entries.generation == generation else { return }
            if entries.values.count >= capacity { entries.values.removeAll() }
            entries.values[key] = (now + lifetime, found)
        }
        return found
    }

    /// Forgets every value: after a change the observation may not see (or to be sure).
    func forget() {
        entries.withLock { entries in
            entries.generation += 1
            entries.values.removeAll()
        }
    }

    private func disable() {
        disabled.store(true, ordering: .relaxed)
        forget()
    }
}

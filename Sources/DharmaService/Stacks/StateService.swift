import DharmaAudit
import DharmaCore
import DharmaEngine
import DharmaSecurity
import DharmaStore

/// What was recorded for a stack: its resources (secrets masked), versions and outputs, and
/// breaking its lock. Reading never creates a state database.
public struct StateService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public struct Listing: Sendable {
        public var stack: StackID
        public var state: StackState

        public var resources: [ResourceState] { state.resources.values.sorted { $0.name < $1.name } }

        public var json: Value {
            .map([
                "stack": .string(stack.description), "serial": .int(state.serial),
                "resources": .list(resources.map { .map(["name": .string($0.name), "type": .string($0.type), "provider": .string($0.provider.rawValue)]) }),
            ])
        }
    }

    public func list(_ selector: StackSelector) async throws(ServiceError) -> Listing {
        let (store, stack) = try await open(selector)
        return Listing(stack: stack, state: try await serviceCall { try await store.state(of: stack) })
    }

    /// One resource as recorded, its sensitive inputs replaced by `(sensitive)`.
    public func show(_ resource: String, _ selector: StackSelector) async throws(ServiceError) -> ResourceState {
        let (store, stack) = try await open(selector)
        let state = try await serviceCall { try await store.state(of: stack) }
        guard let entry = state.resources[resource] else {
            throw .notFound(
                "no resource `\(resource)` is recorded for \(stack)" + (Suggestion.hint(for: resource, in: state.resources.keys).map { "; \($0)" } ?? ""))
        }
        return Self.redacted(entry)
    }

    /// `entry` as it may be shown: its secret inputs replaced by `(sensitive)`.
    public static func redacted(_ entry: ResourceState) -> ResourceState {
        var entry = entry
        for name in entry.secretInputs where entry.inputs[name] != nil {
            entry.inputs[name] = .string("(sensitive)")
        }
        return entry
    }

    public func history(_ selector: StackSelector) async throws(ServiceError) -> (StackID, [StateVersion]) {
        let (store, stack) = try await open(selector)
        return (stack, try await serviceCall { try await store.versions(of: stack) })
    }

    /// What state version `version` changed from the version before it.
    public func diff(_ selector: StackSelector, version: Int) async throws(ServiceError) -> StateVersionDiff {
        let (store, stack) = try await open(selector)
        guard let after = try await serviceCall({ try await store.snapshot(of: stack, version: version) }) else {
            throw .notFound("`\(stack)` has no state version \(version)")
        }
        let before = version > 1 ? try await serviceCall { try await store.snapshot(of: stack, version: version - 1) } : nil
        return StateVersionDiff(version: version, previous: before == nil ? nil : version - 1, changes: StateVersionDiff.between(before, after))
    }

    public func outputs(_ selector: StackSelector) async throws(ServiceError) -> (StackID, [String: Value]) {
        let (store, stack) = try await open(selector)
        return (stack, try await serviceCall { try await store.outputs(of: stack) })
    }

    /// One output by name.
    public func output(_ name: String, _ selector: StackSelector) async throws(ServiceError) -> Value {
        let (stack, outputs) = try await outputs(selector)
        guard let value = outputs[name] else {
            throw .notFound("no output `\(name)` is recorded for \(stack)" + (Suggestion.hint(for: name, in: outputs.keys).map { "; \($0)" } ?? ""))
        }
        return value
    }

    /// Breaks the stack's lock whoever holds it; returns the holder, recorded on the audit log.
    public func unlock(_ selector: StackSelector) async throws(ServiceError) -> (StackID, LockHolder?) {
        try context.authorise(.destroy, "break stack locks")
        let location = selector.location(context)
        try location.requireExisting()
        let engine = try location.engine(context, parallelism: 1, audited: true)
        let stack = try await selector.resolve(in: engine.store)
        let broken = try await serviceCall { try await engine.store.breakLock(stack) }
        guard let holder = broken else { return (stack, nil) }
        try await StackService.engineCall { () throws(EngineError) in
            try await engine.record(
                AuditDraft(
                    actor: context.principal.name, action: "lock-break", stack: stack.description,
                    reason: "dharma state unlock: removed the lock held by \(holder)"))
        }
        return (stack, holder)
    }

    /// Replaces the key pair that seals the state's secrets: every stack gets a new data key
    /// sealed to a new pair, every sealed value is re-encrypted, and the old pair is retired
    /// (kept for backups made before). Recorded on the audit log.
    public func rotateSealingKey(_ selector: StackSelector, reason: String?) async throws(ServiceError) -> (resealed: Int, keyID: String) {
        try context.authorise(.administer, "rotate the sealing key")
        let location = selector.location(context)
        try location.requireExisting()
        let engine = try location.engine(context, parallelism: 1, audited: true)
        guard let store = engine.store as? SQLiteStore else { throw .failed("this state store cannot rotate its sealing key") }
        let keys = SealingKeys(directory: location.directory + "/keys")
        let (resealed, keyID) = try await serviceCall(doing: "rotating the sealing key") { () async throws -> (Int, String) in
            let next = try keys.beginRotation()
            let count = try await store.reseal(to: next)
            try keys.finishRotation()
            return (count, try keys.currentKeyID())
        }
        try await StackService.engineCall { () throws(EngineError) in
            try await engine.record(
                AuditDraft(
                    actor: context.principal.name, action: "sealing-key-rotate", stack: "-",
                    reason: (reason.map { "\($0); " } ?? "") + "re-sealed \(resealed) value\(resealed == 1 ? "" : "s") under key \(keyID)"))
        }
        return (resealed, keyID)
    }

    private func open(_ selector: StackSelector) async throws(ServiceError) -> (any Store, StackID) {
        try context.authorise(.read, "read state")
        let location = selector.location(context)
        try location.requireExisting()
        let store = try location.store()
        return (store, try await selector.resolve(in: store))
    }
}

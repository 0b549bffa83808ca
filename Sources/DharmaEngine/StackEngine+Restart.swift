import DharmaAudit
import DharmaCore
import DharmaStore

extension StackEngine {
    /// Restarts one replica of a recorded service gracefully (see `ReplicaRestarting`), under
    /// the stack lock, recording the new outputs as a state version and in the audit log.
    public func restartReplica(_ replica: Int, of resource: String, drain: Bool = true, context: ProviderContext) async throws(EngineError) {
        let stack = context.stack
        let holder = LockHolder.current("restart")
        do {
            _ = try await store.lock(stack, as: holder)
        } catch let error as LockError {
            throw .failed(error.description)
        } catch {
            throw .failed("cannot take the stack lock: \(error)")
        }
        do {
            try await restartLocked(replica, of: resource, drain: drain, context: context)
            try? await store.unlock(stack, holder: holder)
        } catch {
            try? await store.unlock(stack, holder: holder)
            throw error
        }
        try await record(
            AuditDraft(
                actor: actor, action: "restart", stack: stack.description, resources: [resource],
                reason: reason ?? "graceful restart of \(resource) replica \(replica)"))
    }

    private func restartLocked(_ replica: Int, of resource: String, drain: Bool, context: ProviderContext) async throws(EngineError) {
        guard var state = try await loadState(context.stack).resources[resource] else {
            throw .failed("\(resource) is not recorded in \(context.stack)")
        }
        guard let provider = providers.provider(state.provider) as? any ReplicaRestarting else {
            throw .failed("the \(state.provider.rawValue) provider cannot restart single replicas")
        }
        do {
            state.outputs = try await provider.restartReplica(replica, of: state, drain: drain, context: context)
        } catch {
            throw .failed("restarting \(resource) replica \(replica): \(error)")
        }
        do {
            try await store.record(state, in: context.stack)
            try await store.commitVersion(
                of: context.stack, outputs: try await store.outputs(of: context.stack), operation: .remediate,
                summary: "restart: \(resource) replica \(replica)")
        } catch {
            throw .failed("the replica was restarted, but recording it failed: \(error)")
        }
    }
}

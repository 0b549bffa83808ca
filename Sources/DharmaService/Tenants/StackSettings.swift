import DharmaAudit
import DharmaCore
import DharmaStore
import Foundation

/// A stack's lock against new runs and its variables.
extension TenantService {
    public func lock(_ reference: String, in organisation: String, reason: String?) async throws(ServiceError) -> ManagedStack {
        let principal = try await access.require(.apply, in: organisation, to: "lock stacks")
        var stack = try await managedStack(reference, in: organisation)
        if let holder = stack.lockedBy { throw .conflict("`\(reference)` is locked already by \(holder)" + (stack.lockReason.map { ": \($0)" } ?? "")) }
        try await serviceCall { try await store.setLock(of: stack.stack, in: organisation, by: principal.name, reason: reason) }
        try await recordOrganisation(organisation, action: "stack-lock", reason: "\(reference) locked" + (reason.map { ": \($0)" } ?? ""))
        stack.lockedBy = principal.name
        stack.lockReason = reason
        return stack
    }

    /// Unlocks a stack: its locker, or an admin, may.
    public func unlock(_ reference: String, in organisation: String) async throws(ServiceError) -> ManagedStack {
        let principal = try await access.require(.apply, in: organisation, to: "unlock stacks")
        var stack = try await managedStack(reference, in: organisation)
        guard let holder = stack.lockedBy else { return stack }
        guard holder == principal.name || principal.may(.administer) else {
            throw .forbidden("`\(reference)` was locked by \(holder); only they or an admin may unlock it")
        }
        try await serviceCall { try await store.setLock(of: stack.stack, in: organisation, by: nil, reason: nil) }
        try await recordOrganisation(organisation, action: "stack-unlock", reason: "\(reference) unlocked (locked by \(holder))")
        stack.lockedBy = nil
        stack.lockReason = nil
        return stack
    }

    // MARK: variables

    public func variables(of reference: String, in organisation: String) async throws(ServiceError) -> [StackVariable] {
        _ = try await access.require(.read, in: organisation, to: "read variables")
        let stack = try await managedStack(reference, in: organisation)
        return try await serviceCall { try await store.variables(of: stack.stack, in: organisation) }.map(Self.redacted)
    }

    /// Sets a variable; a sensitive value is sealed with the stack's data key before it is stored.
    public func setVariable(_ name: String, value: String, sensitive: Bool, of reference: String, in organisation: String) async throws(ServiceError)
        -> StackVariable
    {
        _ = try await access.require(.administer, in: organisation, to: "set variables")
        guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,63}$", options: .regularExpression) != nil else {
            throw .invalidInput("variable name `\(name)`: letters, digits and _, not starting with a digit", pointer: "/name")
        }
        guard value.unicodeScalars.count <= 65_536 else { throw .invalidInput("value: at most 65,536 characters", pointer: "/value") }
        let stack = try await managedStack(reference, in: organisation)
        var variable = StackVariable(name: name, value: value, sealed: nil, sensitive: sensitive, updatedAt: now())
        if sensitive {
            let location = data.state(of: organisation)
            let sealed = try await serviceCall(doing: "sealing the variable") { try await location.store().seal(.string(value), in: stack.stack) }
            variable.sealed = String(decoding: try serviceCall { try JSONEncoder().encode(sealed) }, as: UTF8.self)
            variable.value = nil
        }
        let stored = variable
        try await serviceCall { try await store.setVariable(stored, of: stack.stack, in: organisation) }
        try await recordOrganisation(organisation, action: "variable-set", reason: "\(reference): \(name) set\(sensitive ? " (sensitive)" : "")")
        return Self.redacted(stored)
    }

    public func removeVariable(_ name: String, of reference: String, in organisation: String) async throws(ServiceError) {
        _ = try await access.require(.administer, in: organisation, to: "remove variables")
        let stack = try await managedStack(reference, in: organisation)
        let removed = try await serviceCall { try await store.removeVariable(name, of: stack.stack, in: organisation) }
        guard removed else { throw .notFound("`\(reference)` has no variable `\(name)`") }
        try await recordOrganisation(organisation, action: "variable-remove", reason: "\(reference): \(name) removed")
    }

    /// Every variable in clear, for a run: sensitive ones unsealed here, never stored so.
    func resolvedVariables(of stack: ManagedStack) async throws(ServiceError) -> [String: String] {
        let variables = try await serviceCall { try await store.variables(of: stack.stack, in: stack.organisation) }
        var resolved: [String: String] = [:]
        for variable in variables {
            if let value = variable.value, !variable.sensitive {
                resolved[variable.name] = value
            } else if let sealed = variable.sealed {
                let location = data.state(of: stack.organisation)
                let opened = try await serviceCall(doing: "opening the sealed variable \(variable.name)") {
                    try await location.store().unseal(try JSONDecoder().decode(Value.self, from: Data(sealed.utf8)), in: stack.stack)
                }
                guard case .string(let text) = opened else { throw .failed("the sealed variable \(variable.name) is not text") }
                resolved[variable.name] = text
            }
        }
        return resolved
    }

    static func redacted(_ variable: StackVariable) -> StackVariable {
        var copy = variable
        copy.sealed = nil
        if variable.sensitive { copy.value = nil }
        return copy
    }
}

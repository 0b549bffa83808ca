extension Plan {
    /// The plan with `transform` applied to every sensitive value it holds: the secret
    /// inputs of each desired resource, the diffs marked sensitive, and the sensitive
    /// variables. How a saved plan seals its secrets, and opens them again.
    public func mappingSensitive(_ transform: (Value) async throws -> Value) async rethrows -> Plan {
        var plan = self
        for index in plan.changes.indices {
            var change = plan.changes[index]
            if var desired = change.desired {
                for name in desired.secretInputs.sorted() {
                    if let value = desired.inputs[name] { desired.inputs[name] = try await transform(value) }
                }
                change.desired = desired
            }
            for diffIndex in change.diff.indices where change.diff[diffIndex].sensitive {
                if let old = change.diff[diffIndex].old { change.diff[diffIndex].old = try await transform(old) }
                if let new = change.diff[diffIndex].new { change.diff[diffIndex].new = try await transform(new) }
            }
            plan.changes[index] = change
        }
        for name in sensitiveVariables.sorted() {
            if let value = plan.variables[name] { plan.variables[name] = try await transform(value) }
        }
        return plan
    }
}

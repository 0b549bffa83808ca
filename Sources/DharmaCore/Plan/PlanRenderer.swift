/// Plans for people (Terraform-like text) and for programs (JSON).
public struct PlanRenderer: Sendable {
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    public func text(_ plan: Plan, showNoop: Bool = false) -> String {
        var out = ""
        for change in plan.changes where change.action != .noop || showNoop {
            let (symbol, code) = Self.symbol(change.action)
            out += "  \(paint(symbol, code)) \(change.resource) (\(change.type)) will be \(Self.verb(change.action))"
            if let reason = change.reason { out += " — \(reason)" }
            out += "\n"
            for diff in change.diff {
                out += "      \(diff.attribute): \(describe(diff))\(diff.forcesReplacement ? paint("  # forces replacement", "31") : "")\n"
            }
        }
        let counts = plan.summary
        if !plan.hasChanges {
            out += "No changes. The stack \(plan.stack) matches the blueprint (\(counts[.noop] ?? 0) resources).\n"
        } else {
            out +=
                "\nPlan: \(counts[.create] ?? 0) to create, \(counts[.update] ?? 0) to update, \(counts[.replace] ?? 0) to replace, "
                + "\(counts[.delete] ?? 0) to delete, \(counts[.noop] ?? 0) unchanged.\n"
        }
        return out
    }

    private func describe(_ diff: AttributeDiff) -> String {
        func show(_ value: Value?) -> String {
            guard let value else { return "(none)" }
            if diff.sensitive { return "(sensitive)" }
            return value.rendered
        }
        switch (diff.old, diff.new) {
        case (nil, let new?): return show(new)
        case (let old?, nil): return "\(show(old)) → (removed)"
        default: return "\(show(diff.old)) → \(show(diff.new))"
        }
    }

    static func symbol(_ action: ChangeAction) -> (String, String) {
        switch action {
        case .create: return ("+", "32")
        case .update: return ("~", "33")
        case .replace: return ("-/+", "31")
        case .delete: return ("-", "31")
        case .noop: return (" ", "0")
        }
    }

    static func verb(_ action: ChangeAction) -> String {
        switch action {
        case .create: return "created"
        case .update: return "updated in place"
        case .replace: return "replaced"
        case .delete: return "destroyed"
        case .noop: return "left as it is"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour && code != "0" ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// `{"changes":[{"resource","type","action","diff","reason"}],"summary":{…}}`; sensitive
    /// values are masked here as everywhere else.
    public static func jsonValue(_ plan: Plan) -> Value {
        let changes: [Value] = plan.changes.map { change in
            var entry: [String: Value] = [
                "resource": .string(change.resource), "type": .string(change.type), "action": .string(change.action.rawValue),
                "diff": .list(
                    change.diff.map { diff in
                        func mask(_ value: Value?) -> Value { value.map { diff.sensitive ? .string("(sensitive)") : $0 } ?? .null }
                        return .map([
                            "attribute": .string(diff.attribute), "old": mask(diff.old), "new": mask(diff.new),
                            "forcesReplacement": .bool(diff.forcesReplacement),
                        ])
                    }),
            ]
            if let reason = change.reason { entry["reason"] = .string(reason) }
            return .map(entry)
        }
        let counts = plan.summary
        return .map([
            "stack": .map(["name": .string(plan.stack.name), "environment": .string(plan.stack.environment)]),
            "stateSerial": .int(plan.stateSerial),
            "changes": .list(changes),
            "summary": .map(Dictionary(uniqueKeysWithValues: ChangeAction.allCases.map { ($0.rawValue, Value.int(counts[$0] ?? 0)) })),
            "hasChanges": .bool(plan.hasChanges),
        ])
    }
}

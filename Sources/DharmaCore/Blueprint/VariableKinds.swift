/// How declared variable types relate to values.
enum VariableKinds {
    static func infer(_ value: Value) -> VariableDeclaration.Kind {
        switch value {
        case .int: return .integer
        case .double: return .number
        case .bool: return .boolean
        case .list: return .list
        case .map: return .map
        default: return .string
        }
    }

    static func matches(_ value: Value, _ kind: VariableDeclaration.Kind) -> Bool {
        switch (kind, value) {
        case (_, .null): return true
        case (.string, .string), (.integer, .int), (.number, .int), (.number, .double), (.boolean, .bool),
            (.list, .list), (.map, .map):
            return true
        default: return false
        }
    }
}

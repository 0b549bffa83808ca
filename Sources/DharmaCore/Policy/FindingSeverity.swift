/// How bad a failed policy check is. The blueprint names one as its gate (`policy: {failOn:
/// high}`), so the scale lives here, beside the blueprint model, and the rule engine uses it.
public enum FindingSeverity: String, Sendable, Codable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case info, low, medium, high, critical

    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    public var description: String { rawValue }
}

/// The shape a resource property's value must have. Units follow Kubernetes for sizes
/// (`512Mi`, `4Gi`, `1G`; a bare integer is bytes) and Go for durations (`500ms`, `30s`, `1h30m`;
/// a bare integer is seconds).
public indirect enum PropertyKind: Sendable {
    case string
    case integer(min: Int? = nil, max: Int? = nil)
    case number(min: Double? = nil, max: Double? = nil)
    case boolean
    case oneOf([String])
    case size(min: Int64? = nil, max: Int64? = nil)
    case duration(min: Double? = nil, max: Double? = nil)
    case percent
    /// A service-level objective: a percentage above 0 and below 100, such as 99.9%.
    case objective
    case port
    case cidr
    case list(PropertyKind)
    case map(PropertyKind)
    case object([PropertySchema])
    case any

    public var summary: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .oneOf(let options): return "one of " + options.map { "`\($0)`" }.joined(separator: ", ")
        case .size: return "size such as 512Mi or 4Gi"
        case .duration: return "duration such as 30s or 5m"
        case .percent: return "percentage such as 70%"
        case .objective: return "percentage below 100% such as 99.9%"
        case .port: return "port number 1-65535"
        case .cidr: return "CIDR block such as 10.0.0.0/16"
        case .list(let element): return "list of \(element.summary)"
        case .map(let element): return "map of \(element.summary)"
        case .object: return "map"
        case .any: return "any value"
        }
    }
}

/// One property of a resource type.
public struct PropertySchema: Sendable {
    public var name: String
    public var kind: PropertyKind
    public var required: Bool
    public var defaultValue: Value?
    public var description: String
    /// Never printed in plans or logs (shown as `(sensitive)`).
    public var sensitive: Bool
    /// A change of this property cannot be made in place: the resource is replaced.
    public var forcesReplacement: Bool

    public init(
        _ name: String, _ kind: PropertyKind, required: Bool = false, default defaultValue: Value? = nil,
        sensitive: Bool = false, forcesReplacement: Bool = false, _ description: String
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.description = description
        self.sensitive = sensitive
        self.forcesReplacement = forcesReplacement
    }
}

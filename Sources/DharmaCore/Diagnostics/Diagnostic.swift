/// One problem found in user input, with the place it was found and, where we can tell,
/// what to do about it.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// A stable machine-readable code such as `E012`; see `DiagnosticCode`.
    public var code: String
    public var message: String
    public var location: SourceLocation?
    public var hint: String?

    public init(
        _ severity: Severity = .error, code: DiagnosticCode, message: String,
        at location: SourceLocation?, hint: String? = nil
    ) {
        self.severity = severity
        self.code = code.rawValue
        self.message = message
        self.location = location
        self.hint = hint
    }
}

/// Stable codes, so that scripts and editors can key on them.
public enum DiagnosticCode: String, Sendable, CaseIterable {
    case unreadableFile = "E001"
    case notText = "E002"
    case tooLarge = "E003"
    case yamlSyntax = "E004"
    case tooDeep = "E005"
    case aliasExpansion = "E006"
    case duplicateKey = "E007"
    case wrongAPIVersion = "E010"
    case wrongKind = "E011"
    case missingField = "E012"
    case unknownKey = "E013"
    case wrongType = "E014"
    case badName = "E015"
    case unknownResourceType = "E016"
    case unknownProperty = "E017"
    case outOfRange = "E018"
    case notInEnum = "E019"
    case badExpression = "E020"
    case unknownReference = "E021"
    case dependencyCycle = "E022"
    case unsupportedByProvider = "E023"
    case unknownProvider = "E024"
    case unknownEnvironment = "E025"
    case badVariableValue = "E026"
    case unknownRegion = "E027"
    case cloudRequirement = "E028"
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}

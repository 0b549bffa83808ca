/// A resource found by a scan or resolved from a blueprint, in its native form: the
/// Terraform address or CloudFormation logical id, its type, where it is, and its
/// attributes (nested blocks as lists of maps, as Terraform's JSON plan shows them).
public struct ScannedResource: Sendable {
    public var address: String
    public var type: String
    public var file: String
    public var line: Int
    public var attributes: [String: PolicyValue]

    public init(address: String, type: String, file: String, line: Int, attributes: [String: PolicyValue]) {
        self.address = address
        self.type = type
        self.file = file
        self.line = line
        self.attributes = attributes
    }

    /// The address without a `[index]` / `["key"]` suffix: what references name.
    public var baseAddress: String {
        guard let bracket = address.firstIndex(of: "[") else { return address }
        return String(address[..<bracket])
    }

    public subscript(key: String) -> PolicyValue? { attributes[key] }
}

/// A file the scan could not read, and why; the scan of other files goes on.
public struct ScanProblem: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

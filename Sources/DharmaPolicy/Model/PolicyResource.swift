/// A resource in the common model rules are written against: its abstract kind (the
/// blueprint catalog's types, e.g. `storage.bucket`), its provider, and normalised
/// properties, whichever way it was written (Terraform, CloudFormation, a blueprint).
public struct PolicyResource: Sendable {
    /// Terraform address, CloudFormation logical id, or blueprint resource name.
    public var address: String
    /// The native type (`aws_s3_bucket`, `AWS::S3::Bucket`, `storage.bucket`).
    public var nativeType: String
    public var kind: String
    public var provider: String
    public var file: String
    public var line: Int
    public var properties: [String: PolicyValue]

    public init(address: String, nativeType: String, kind: String, provider: String, file: String, line: Int, properties: [String: PolicyValue]) {
        self.address = address
        self.nativeType = nativeType
        self.kind = kind
        self.provider = provider
        self.file = file
        self.line = line
        self.properties = properties
    }
}

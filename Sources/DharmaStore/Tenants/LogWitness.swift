/// A witness an organisation's audit log pushes its checkpoints to (C2SP tlog-witness), with
/// the keys its cosignatures are checked against and how far it has cosigned.
public struct LogWitness: Sendable, Codable, Hashable {
    public var organisation: String
    public var name: String
    /// The submission prefix: checkpoints go to `url/add-checkpoint`.
    public var url: String
    /// Its verifier keys (`NAME+KEYID+BASE64`): cosignatures under other keys are dropped.
    public var keys: [String]
    /// The size of the newest checkpoint it cosigned, as far as this server knows.
    public var cosignedSize: UInt64
    /// Why the last push failed; nil after a success.
    public var lastError: String?
    public var updatedAt: Double

    public init(
        organisation: String, name: String, url: String, keys: [String], cosignedSize: UInt64 = 0, lastError: String? = nil, updatedAt: Double
    ) {
        self.organisation = organisation
        self.name = name
        self.url = url
        self.keys = keys
        self.cosignedSize = cosignedSize
        self.lastError = lastError
        self.updatedAt = updatedAt
    }
}

/// Where each organisation's witnesses are kept.
public protocol WitnessStore: Sendable {
    /// Adds the witness, or replaces the one of that name.
    func saveWitness(_ witness: LogWitness) async throws
    func witnesses(of organisation: String) async throws -> [LogWitness]
    func removeWitness(_ name: String, of organisation: String) async throws -> Bool
}

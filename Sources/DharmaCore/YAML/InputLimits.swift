/// Limits that keep hostile input (a 50 MB file, an alias bomb, 10,000-deep nesting) from
/// costing more than a fraction of a second or a bounded amount of memory.
public struct InputLimits: Sendable {
    /// Largest blueprint file we read, in bytes.
    public var maxBytes: Int = 8 << 20
    /// Deepest nesting of maps and lists a blueprint may use.
    public var maxDepth: Int = 64
    /// Most nodes a document may expand to once aliases are followed.
    public var maxNodes: Int = 1_000_000

    public init() {}

    public static let standard = InputLimits()
}

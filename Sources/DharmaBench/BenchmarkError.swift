/// A benchmark or evaluation that could not run: a dataset missing or malformed, a synthetic
/// input that did not load. Says what and where.
public struct BenchmarkError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

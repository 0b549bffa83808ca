import Foundation

/// A slow statement as pg_stat_statements reported it, with the index proposed for it.
public struct SlowQuery: Sendable, Codable, Hashable {
    public var queryID: String
    /// Normalised text, constants as `$1`, `$2`….
    public var query: String
    public var calls: Int
    /// Mean execution time when the incident opened: what the index must beat.
    public var meanMilliseconds: Double
    public var proposal: IndexProposal

    public init(queryID: String, query: String, calls: Int, meanMilliseconds: Double, proposal: IndexProposal) {
        self.queryID = queryID
        self.query = query
        self.calls = calls
        self.meanMilliseconds = meanMilliseconds
        self.proposal = proposal
    }

    static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value)
    }
}

/// A series' identity: the metric name and its labels, in a canonical order.
public struct SeriesKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var name: String
    public var labels: [String: String]

    public init(name: String, labels: [String: String] = [:]) {
        self.name = name
        self.labels = labels
    }

    /// `cpu{replica="0",resource="web"}`.
    public var description: String {
        labels.isEmpty ? name : name + "{" + labels.keys.sorted().map { "\($0)=\"\(labels[$0] ?? "")\"" }.joined(separator: ",") + "}"
    }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool { lhs.description < rhs.description }
}

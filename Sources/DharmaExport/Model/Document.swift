/// A YAML/JSON document tree with ordered keys, for the formats that are data
/// (CloudFormation, Kubernetes manifests).
public indirect enum Document: Sendable, Hashable {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    case list([Document])
    case map([Entry])

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Document

        public init(_ key: String, _ value: Document) {
            self.key = key
            self.value = value
        }
    }

    public static func object(_ pairs: [(String, Document)]) -> Document {
        .map(pairs.map { Entry($0.0, $0.1) })
    }

    public static func sorted(_ entries: [String: Document]) -> Document {
        .map(entries.sorted { $0.key < $1.key }.map { Entry($0.key, $0.value) })
    }

    public static func strings(_ items: [String]) -> Document { .list(items.map(Document.string)) }
}

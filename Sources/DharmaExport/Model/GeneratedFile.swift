/// A file an exporter produced, relative to the output directory.
public struct GeneratedFile: Sendable, Hashable {
    public var path: String
    public var contents: String

    public init(_ path: String, _ contents: String) {
        self.path = path
        self.contents = contents
    }
}

import Foundation

/// Advisories in OSV JSON from a file or a directory (searched recursively for `*.json`): one
/// advisory per file as in OSV's data dumps, an array of them, or an OSV API answer
/// (`{"vulns": […]}`). Read again when a file changes.
public struct AdvisoryFeed: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    public private(set) var advisories: [OSVAdvisory] = []
    private var signature: [String: Double] = [:]

    public init(path: String) {
        self.path = path
    }

    /// Loads the feed if any file was added, removed or changed since the last load; true when it did.
    @discardableResult
    public mutating func refresh() throws(Failure) -> Bool {
        let files = try Self.files(at: path)
        let current = Dictionary(files.map { ($0, Self.modified($0)) }, uniquingKeysWith: max)
        guard current != signature else { return false }
        var loaded: [OSVAdvisory] = []
        for file in files.sorted() { loaded += try Self.advisories(in: file) }
        advisories = loaded
        signature = current
        return true
    }

    static func files(at path: String) throws(Failure) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(description: "advisory feed \(path) does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { throw Failure(description: "cannot list \(path)") }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.map { path + "/" + $0 }
    }

    static func modified(_ file: String) -> Double {
        ((try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }

    private struct Answer: Decodable {
        var vulns: [OSVAdvisory]?
    }

    static func advisories(in file: String) throws(Failure) -> [OSVAdvisory] {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure(description: "cannot read advisory file \(file)") }
        let decoder = JSONDecoder()
        if let one = try? decoder.decode(OSVAdvisory.self, from: data) { return [one] }
        if let many = try? decoder.decode([OSVAdvisory].self, from: data) { return many }
        if let answer = try? decoder.decode(Answer.self, from: data), let vulns = answer.vulns { return vulns }
        // Say why the form the file looks like failed.
        let text = String(decoding: data.prefix(4096), as: UTF8.self).drop { $0.isWhitespace }
        do {
            if text.hasPrefix("[") {
                _ = try decoder.decode([OSVAdvisory].self, from: data)
            } else if text.contains("\"vulns\"") {
                _ = try decoder.decode(Answer.self, from: data)
            } else {
                _ = try decoder.decode(OSVAdvisory.self, from: data)
            }
            return []
        } catch {
            throw Failure(description: "\(file) is not OSV JSON (an advisory, an array of them, or {\"vulns\": [...]}): \(Self.explain(error))")
        }
    }

    private static func explain(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "`\(key.stringValue)` missing at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context):
            return (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
        default:
            return "\(error)"
        }
    }
}

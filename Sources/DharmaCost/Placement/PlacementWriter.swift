import DharmaCore
import Foundation

/// Writes the chosen placements back into the blueprint's text, changing only the `provider`
/// and `region` lines of the moved resources, so comments and layout survive.
public enum PlacementWriter {
    public struct Move: Sendable {
        public var resource: String
        public var provider: ProviderName
        public var region: String

        public init(resource: String, provider: ProviderName, region: String) {
            self.resource = resource
            self.provider = provider
            self.region = region
        }
    }

    public static func rewrite(_ text: String, blueprint: Blueprint, moves: [Move]) throws(CostError) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Bottom-up, so inserting lines does not shift the places still to edit.
        let ordered = moves.compactMap { move in blueprint.resource(named: move.resource).map { (move, $0) } }
            .sorted { $0.1.location.line > $1.1.location.line }
        for (move, spec) in ordered {
            let keyLine = spec.location.line - 1
            guard keyLine >= 0, keyLine < lines.count else { throw CostError("resource `\(move.resource)`: its line is outside the file") }
            let keyIndent = indent(of: lines[keyLine])
            if let colon = lines[keyLine].firstIndex(of: ":"),
                !lines[keyLine][lines[keyLine].index(after: colon)...].trimmingCharacters(in: .whitespaces).isEmpty,
                !lines[keyLine][lines[keyLine].index(after: colon)...].trimmingCharacters(in: .whitespaces).hasPrefix("#")
            {
                throw CostError(
                    "\(spec.location): resource `\(move.resource)` is written in flow style ({…}); write it in block style, or set provider: \(move.provider.rawValue), region: \(move.region) by hand"
                )
            }
            var end = keyLine + 1
            var childIndent: Int?
            while end < lines.count {
                let line = lines[end]
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                    if indent(of: line) <= keyIndent { break }
                    if childIndent == nil { childIndent = indent(of: line) }
                }
                end += 1
            }
            guard let child = childIndent else { throw CostError("\(spec.location): resource `\(move.resource)` has no body to edit") }
            let pad = String(repeating: " ", count: child)
            var typeLine = keyLine + 1
            for (key, value) in [("region", move.region), ("provider", move.provider.rawValue)] {
                if let existing = (keyLine + 1..<end).first(where: {
                    indent(of: lines[$0]) == child && lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("\(key):")
                }) {
                    lines[existing] = "\(pad)\(key): \(value)"
                } else {
                    typeLine =
                        (keyLine + 1..<end).first { indent(of: lines[$0]) == child && lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("type:") }
                        ?? keyLine
                    lines.insert("\(pad)\(key): \(value)", at: typeLine + 1)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func indent(of line: String) -> Int {
        line.prefix { $0 == " " }.count
    }
}

import Yams

/// Turns Yams nodes into located `YNode`s while enforcing the depth and expansion limits.
/// Aliases in Yams share storage, so a "billion laughs" document parses cheaply; it is this
/// walk that would expand it, which is why it counts every node it visits.
struct NodeConverter {
    let path: String
    let limits: InputLimits
    private(set) var diagnostics: [Diagnostic] = []
    private var visited = 0
    private var stopped = false

    init(path: String, limits: InputLimits) {
        self.path = path
        self.limits = limits
    }

    mutating func convert(_ node: Node, depth: Int) -> YNode {
        let location = self.location(node.mark)
        if stopped { return YNode(.scalar("", plain: true), at: location) }
        visited += 1
        if visited > limits.maxNodes {
            stop(
                .aliasExpansion, "the document expands to more than \(limits.maxNodes) values (an alias bomb?)", at: location,
                hint: "blueprints need no more than a few thousand values; remove the recursive aliases")
            return YNode(.scalar("", plain: true), at: location)
        }
        if depth > limits.maxDepth {
            stop(.tooDeep, "nesting is deeper than the \(limits.maxDepth) levels a blueprint may use", at: location)
            return YNode(.scalar("", plain: true), at: location)
        }
        switch node {
        case .scalar(let scalar):
            return YNode(.scalar(scalar.string, plain: scalar.style == .plain), at: location)
        case .sequence(let sequence):
            var items: [YNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence where !stopped { items.append(convert(item, depth: depth + 1)) }
            return YNode(.sequence(items), at: location)
        case .mapping(let mapping):
            var pairs: [YPair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping where !stopped {
                let keyLocation = self.location(key.mark)
                if case .scalar(let keyScalar) = key, keyScalar.string == "<<", keyScalar.style == .plain {
                    merge(value, into: &pairs, explicitKeys: Set(mapping.keys.compactMap(\.scalar?.string)), depth: depth)
                    continue
                }
                guard case .scalar(let keyScalar) = key else {
                    diagnostics.append(
                        Diagnostic(
                            code: .wrongType, message: "map keys must be plain strings, not a \(key.sequence != nil ? "list" : "map")",
                            at: keyLocation))
                    continue
                }
                pairs.append(YPair(key: keyScalar.string, keyLocation: keyLocation, value: convert(value, depth: depth + 1)))
            }
            return YNode(.mapping(pairs), at: location)
        case .alias:
            return YNode(.scalar("", plain: true), at: location)
        }
    }

    /// YAML merge keys (`<<: *defaults`): entries of the merged maps that the map does not set
    /// itself, in order; a list of maps merges each, earlier ones winning.
    private mutating func merge(_ node: Node, into pairs: inout [YPair], explicitKeys: Set<String>, depth: Int) {
        let sources: [Node]
        switch node {
        case .mapping: sources = [node]
        case .sequence(let sequence): sources = Array(sequence)
        default:
            diagnostics.append(
                Diagnostic(
                    code: .wrongType, message: "`<<` merges maps; this is neither a map nor a list of maps",
                    at: location(node.mark)))
            return
        }
        for source in sources {
            guard case .mapping = source else {
                diagnostics.append(Diagnostic(code: .wrongType, message: "`<<` merges maps; this entry is not a map", at: location(source.mark)))
                continue
            }
            guard case .mapping(let converted) = convert(source, depth: depth).kind else { continue }
            for pair in converted where !explicitKeys.contains(pair.key) && !pairs.contains(where: { $0.key == pair.key }) {
                pairs.append(pair)
            }
        }
    }

    private mutating func stop(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        stopped = true
        diagnostics.append(Diagnostic(code: code, message: message, at: location, hint: hint))
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}

import DharmaCore
import Foundation

/// Reads rules from YAML (the built-in pack and teams' `policies/*.yaml`), reporting every
/// problem as FILE:LINE:COL.
public enum RuleLoader {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var location: SourceLocation
        public var message: String
        public var description: String { "\(location): \(message)" }
    }

    static let ruleKeys = ["id", "title", "severity", "description", "remediation", "kinds", "providers", "when", "assert", "frameworks", "equivalents"]

    /// The rules Dharma ships (`Resources/rules.yaml`), parsed once per process: the
    /// autopilot checks its remediations against them every tick.
    public static func builtIn() throws -> [Rule] {
        try builtInPack.get()
    }

    private static let builtInPack = Result { try parseBuiltIn() }

    private static func parseBuiltIn() throws -> [Rule] {
        guard let url = Bundle.module.url(forResource: "rules", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw Problem(location: SourceLocation(file: "rules.yaml", line: 1, column: 1), message: "the built-in rule pack is missing from this build")
        }
        let (rules, problems) = load(text: text, path: "rules.yaml")
        if let first = problems.first { throw first }
        return rules
    }

    /// Every `*.yaml`/`*.yml` file in a directory.
    public static func load(directory: String) -> ([Rule], [Problem]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var rules: [Rule] = []
        var problems: [Problem] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append(Problem(location: SourceLocation(file: path, line: 1, column: 1), message: "cannot be read as UTF-8 text"))
                continue
            }
            let (loaded, found) = load(text: text, path: path)
            rules += loaded
            problems += found
        }
        return (rules, problems)
    }

    public static func load(text: String, path: String) -> ([Rule], [Problem]) {
        let loaded = YAMLLoader().load(text: text, path: path)
        var problems = loaded.diagnostics.filter { $0.severity == .error }.map {
            Problem(location: $0.location ?? SourceLocation(file: path, line: 1, column: 1), message: $0.message)
        }
        guard let root = loaded.root else { return ([], problems) }
        guard let items = (root["rules"] ?? root).sequence else {
            problems.append(Problem(location: root.location, message: "a policy file is `rules:` followed by a list of rules"))
            return ([], problems)
        }
        var rules: [Rule] = []
        for item in items {
            do {
                rules.append(try rule(item, path: path))
            } catch let problem as Problem {
                problems.append(problem)
            } catch {
                problems.append(Problem(location: item.location, message: "\(error)"))
            }
        }
        var seen: [String: SourceLocation] = [:]
        for (rule, item) in zip(rules, items) {
            if let first = seen[rule.id] {
                problems.append(Problem(location: item.location, message: "rule `\(rule.id)` is defined twice; first at \(first)"))
            }
            seen[rule.id] = item.location
        }
        return (rules, problems)
    }

    static func rule(_ node: YNode, path: String) throws -> Rule {
        guard let pairs = node.mapping else { throw Problem(location: node.location, message: "a rule is a map with id, title, severity, kinds and assert") }
        for pair in pairs where !ruleKeys.contains(pair.key) {
            throw Problem(
                location: pair.keyLocation,
                message: "unknown key `\(pair.key)` in a rule"
                    + (Suggestion.hint(for: pair.key, in: ruleKeys).map { "; \($0)" } ?? "") + "; keys are " + ruleKeys.joined(separator: ", "))
        }
        func text(_ key: String, required: Bool = true) throws -> String? {
            guard let value = node[key] else {
                if required { throw Problem(location: node.location, message: "a rule needs `\(key)`") }
                return nil
            }
            guard let scalar = value.scalar else { throw Problem(location: value.location, message: "`\(key)` must be text") }
            return scalar
        }
        func list(_ key: String) throws -> [String] {
            guard let value = node[key] else { return [] }
            if let scalar = value.scalar { return [scalar] }
            guard let items = value.sequence else { throw Problem(location: value.location, message: "`\(key)` must be a list") }
            return try items.map { item in
                guard let scalar = item.scalar else { throw Problem(location: item.location, message: "`\(key)` must be a list of text") }
                return scalar
            }
        }
        func expression(_ key: String) throws -> PolicyExpression? {
            guard let value = node[key] else { return nil }
            guard let scalar = value.scalar else { throw Problem(location: value.location, message: "`\(key)` must be an expression in quotes") }
            do {
                return try PolicyExpression.parse(scalar)
            } catch {
                throw Problem(
                    location: SourceLocation(file: value.location.file, line: value.location.line, column: value.location.column + error.offset),
                    message: "`\(key)`: \(error.message)")
            }
        }
        let id = try text("id") ?? ""
        let severityText = try text("severity") ?? ""
        guard let severity = Rule.Severity(rawValue: severityText) else {
            throw Problem(
                location: node["severity"]?.location ?? node.location,
                message: "severity `\(severityText)` is not one of " + Rule.Severity.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let kinds = try list("kinds")
        guard !kinds.isEmpty else { throw Problem(location: node.location, message: "rule `\(id)` needs `kinds`: the resource kinds it checks") }
        for (index, kind) in kinds.enumerated() where !PolicyKinds.all.contains(kind) {
            let location = node["kinds"]?.sequence?[index].location ?? node.location
            throw Problem(location: location, message: "unknown kind `\(kind)`" + (Suggestion.hint(for: kind, in: PolicyKinds.all).map { "; \($0)" } ?? ""))
        }
        guard let assertion = try expression("assert") else { throw Problem(location: node.location, message: "rule `\(id)` needs `assert`") }
        let when = try expression("when")
        // A rule that reads a property no kind it checks has is a mistake, not a silent pass.
        let known = Set(kinds.flatMap { PolicyKinds.names(for: $0) })
        for (key, expressionValue) in [("assert", assertion as PolicyExpression?), ("when", when)] {
            for root in expressionValue?.rootPaths ?? [] where !known.contains(root) {
                throw Problem(
                    location: node[key]?.location ?? node.location,
                    message: "`\(key)` reads `\(root)`, which \(kinds.joined(separator: ", ")) resources do not have"
                        + (Suggestion.hint(for: root, in: known).map { "; \($0)" } ?? "") + "; they have " + known.sorted().joined(separator: ", "))
            }
        }
        var frameworks: [String: [String]] = [:]
        if let mapping = node["frameworks"] {
            guard let pairs = mapping.mapping else { throw Problem(location: mapping.location, message: "`frameworks` maps framework ids to control lists") }
            for pair in pairs {
                guard Framework(rawValue: pair.key) != nil else {
                    throw Problem(
                        location: pair.keyLocation,
                        message: "unknown framework `\(pair.key)`; frameworks are " + Framework.allCases.map(\.rawValue).joined(separator: ", "))
                }
                frameworks[pair.key] = pair.value.sequence?.compactMap(\.scalar) ?? pair.value.scalar.map { [$0] } ?? []
            }
        }
        return Rule(
            id: id, title: try text("title") ?? "", severity: severity, description: try text("description", required: false) ?? "",
            remediation: try text("remediation", required: false) ?? "", kinds: kinds, providers: try list("providers"),
            when: when, assertion: assertion, frameworks: frameworks, equivalents: try list("equivalents"), source: path)
    }
}

import DharmaCore
import Foundation

/// Which rules and waivers a check uses and what it refuses: the built-in pack, team rules
/// (`--policies DIR`, and a `policies/` folder next to what is checked), waivers (`--waivers
/// FILE`, and a blueprint's own `waivers:`) and the failure threshold (`--fail-on`, else the
/// blueprint's `policy.failOn`), and, in the server, the organisation's enforcement levels and
/// a run's override.
public struct PolicySettings: Sendable, Hashable {
    public var failOn: FindingSeverity?
    public var ruleDirectories: [String]
    public var waiverFile: String?
    public var enforcement: PolicyEnforcement
    public var override: PolicyOverride?

    public init(
        failOn: FindingSeverity? = nil, ruleDirectories: [String] = [], waiverFile: String? = nil, enforcement: PolicyEnforcement = .strict,
        override: PolicyOverride? = nil
    ) {
        self.failOn = failOn
        self.ruleDirectories = ruleDirectories
        self.waiverFile = waiverFile
        self.enforcement = enforcement
        self.override = override
    }

    /// Why the rules or waivers could not be loaded.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The rule pack shipped with Dharma does not load: a broken build, not the user's input.
        case builtInPack(String)
        case noDirectory(String)
        /// Team rules with mistakes, each at FILE:LINE.
        case invalidRules([RuleLoader.Problem])
        /// A team rule reuses an id the built-in pack (or another team rule) defines.
        case clash(id: String, source: String)
        case invalidWaiverFile([Diagnostic], SourceText?)
        case invalidWaiver(String)

        public var description: String {
            switch self {
            case .builtInPack(let message): "the built-in rule pack does not load: \(message)"
            case .noDirectory(let path): "--policies \(path): no such directory"
            case .invalidRules(let problems): problems.map(\.description).joined(separator: "\n")
            case .clash(let id, let source): "\(source): rule `\(id)` is already defined; give it another id"
            case .invalidWaiverFile: "the waiver file is not valid YAML"
            case .invalidWaiver(let message): message
            }
        }
    }

    /// The rules for what lies in `base` (its `policies/` folder joins the given directories).
    public func rules(near base: String) throws(Failure) -> [Rule] {
        var rules: [Rule]
        do { rules = try RuleLoader.builtIn() } catch { throw .builtInPack("\(error)") }
        var directories = ruleDirectories
        let beside = (base as NSString).appendingPathComponent("policies")
        if Self.isDirectory(beside), !directories.contains(beside) { directories.append(beside) }
        for directory in directories {
            guard Self.isDirectory(directory) else { throw .noDirectory(directory) }
            let (loaded, problems) = RuleLoader.load(directory: directory)
            if !problems.isEmpty { throw .invalidRules(problems) }
            var known = Set(rules.map(\.id))
            for rule in loaded {
                guard known.insert(rule.id).inserted else { throw .clash(id: rule.id, source: rule.source) }
                rules.append(rule)
            }
        }
        return rules
    }

    /// Waivers from the waiver file and, when given, the blueprint's own `waivers:`.
    public func waivers(blueprint: String? = nil) throws(Failure) -> [Waiver] {
        var all: [Waiver] = []
        for (path, required) in [(waiverFile, true), (blueprint, false)] {
            guard let path else { continue }
            let loaded = YAMLLoader().load(path: path)
            guard let root = loaded.root else {
                if required { throw .invalidWaiverFile(loaded.diagnostics, loaded.source) }
                continue
            }
            guard let node = required ? root : root["waivers"] else { continue }
            do { all += try Waiver.parse(node) } catch { throw .invalidWaiver(error.description) }
        }
        return all
    }

    /// The gate for a blueprint: its rules and waivers, and the threshold given here or, when
    /// none is, the blueprint's `policy.failOn`.
    public func gate(for prepared: PreparedBlueprint) throws(Failure) -> PolicyGate {
        PolicyGate(
            rules: try rules(near: prepared.baseDirectory), waivers: try waivers(blueprint: prepared.blueprint.path),
            threshold: failOn ?? prepared.blueprint.policyThreshold, enforcement: enforcement, override: override)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

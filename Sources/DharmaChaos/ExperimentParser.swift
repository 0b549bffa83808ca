import DharmaAutopilot
import DharmaCore
import Foundation

/// Reads an experiment file, reporting every mistake at its file:line:column.
public struct ExperimentParser {
    public struct Failure: Error, CustomStringConvertible {
        public var diagnostics: [Diagnostic]
        /// The file's text, for showing each problem in context.
        public var source: SourceText?
        public var description: String {
            diagnostics.map { "\($0.location.map { "\($0): " } ?? "")\($0.message)" + ($0.hint.map { " (\($0))" } ?? "") }.joined(separator: "\n")
        }
    }

    private var diagnostics: [Diagnostic] = []

    public init() {}

    public static func load(path: String) throws(Failure) -> Experiment {
        let loaded = YAMLLoader().load(path: path)
        var parser = ExperimentParser()
        parser.diagnostics = loaded.diagnostics
        guard let root = loaded.root, !loaded.diagnostics.hasErrors, let experiment = parser.experiment(root, path: path),
            !parser.diagnostics.hasErrors
        else {
            throw Failure(
                diagnostics: parser.diagnostics.isEmpty
                    ? [Diagnostic(code: .missingField, message: "the experiment is empty", at: SourceLocation(file: path, line: 1, column: 1))]
                    : parser.diagnostics, source: loaded.source)
        }
        return experiment
    }

    private mutating func experiment(_ root: YNode, path: String) -> Experiment? {
        guard
            mapping(
                root, "the experiment",
                allowed: [
                    "apiVersion", "kind", "metadata", "blueprint", "steadyState", "method",
                    "abort", "probeInterval", "settle", "rollback",
                ]) != nil
        else { return nil }
        if root["kind"]?.scalar != "Experiment" {
            error(.wrongKind, "`kind` must be Experiment", at: root["kind"]?.location ?? root.location)
        }
        let name = root["metadata"]?["name"]?.scalar ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let blueprintNode = root["blueprint"], let blueprint = blueprintNode.scalar else {
            error(.missingField, "`blueprint` must name the blueprint of the stack under test", at: root.location)
            return nil
        }
        let directory = (path as NSString).deletingLastPathComponent
        let blueprintPath = URL(fileURLWithPath: blueprint.hasPrefix("/") ? blueprint : (directory.isEmpty ? "." : directory) + "/" + blueprint)
            .standardizedFileURL.path
        if !FileManager.default.fileExists(atPath: blueprintPath) {
            error(.unreadableFile, "blueprint \(blueprint) not found (looked at \(blueprintPath))", at: blueprintNode.location)
        }
        let probes = (root["steadyState"].map { sequence($0, "`steadyState`") } ?? []).compactMap { probe($0) }
        guard let methodNode = root["method"] else {
            error(.missingField, "`method` must list at least one fault", at: root.location)
            return nil
        }
        let method = sequence(methodNode, "`method`").compactMap { fault($0) }
        if method.isEmpty, !diagnostics.hasErrors { error(.missingField, "`method` must list at least one fault", at: methodNode.location) }
        var abort: [String] = []
        for node in root["abort"].map({ sequence($0, "`abort`") }) ?? [] {
            guard let text = node.scalar else { error(.wrongType, "an abort condition is the name of a probe", at: node.location); continue }
            if !probes.contains(where: { $0.name == text }) {
                error(
                    .unknownReference, "abort names `\(text)`, which is not a probe of `steadyState`", at: node.location,
                    hint: Suggestion.hint(for: text, in: probes.map(\.name)))
            }
            abort.append(text)
        }
        return Experiment(
            name: name, path: path, blueprint: blueprintPath, probes: probes, method: method, abort: abort,
            probeInterval: duration(root["probeInterval"], "`probeInterval`", default: 1, range: 0.1...60),
            settle: duration(root["settle"], "`settle`", default: 60, range: 0...3600),
            rollback: root["rollback"].map { boolean($0, "`rollback`") } ?? true)
    }

    private mutating func probe(_ node: YNode) -> Probe? {
        guard mapping(node, "a probe", allowed: ["name", "http", "health"]) != nil else { return nil }
        guard let name = node["name"]?.scalar else {
            error(.missingField, "a probe needs a `name`", at: node.location)
            return nil
        }
        if let http = node["http"] {
            guard mapping(http, "`http`", allowed: ["resource", "path", "status", "within"]) != nil else { return nil }
            guard let resource = http["resource"]?.scalar else {
                error(.missingField, "`http` needs the `resource` to ask", at: http.location)
                return nil
            }
            let status = http["status"].map { integer($0, "`status`", range: 100...599) } ?? 200
            return Probe(
                name: name,
                check: .http(
                    resource: resource, path: http["path"]?.scalar ?? "/", status: status,
                    within: duration(http["within"], "`within`", default: 2, range: 0.01...60)))
        }
        if let health = node["health"] {
            guard mapping(health, "`health`", allowed: ["min"]) != nil else { return nil }
            return Probe(name: name, check: .health(min: health["min"].map { integer($0, "`min`", range: 0...100) } ?? 70))
        }
        error(.missingField, "probe `\(name)` needs a check: `http` or `health`", at: node.location)
        return nil
    }

    private mutating func fault(_ node: YNode) -> FaultSpec? {
        guard mapping(node, "a fault", allowed: ["fault", "target", "duration", "latency", "count", "region"]) != nil else { return nil }
        guard let kindNode = node["fault"], let text = kindNode.scalar else {
            error(
                .missingField, "each step of `method` needs `fault`: one of \(FaultSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                at: node.location)
            return nil
        }
        guard let kind = FaultSpec.Kind(rawValue: text) else {
            error(
                .notInEnum, "unknown fault `\(text)`; faults: \(FaultSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))", at: kindNode.location,
                hint: Suggestion.hint(for: text, in: FaultSpec.Kind.allCases.map(\.rawValue)))
            return nil
        }
        var resource: String?
        var replica = FaultSpec.ReplicaChoice.random
        if let target = node["target"], mapping(target, "`target`", allowed: ["resource", "replica"]) != nil {
            resource = target["resource"]?.scalar.flatMap { $0 == "random" ? nil : $0 }
            if let choice = target["replica"] {
                switch choice.scalar {
                case "random": replica = .random
                case "all": replica = .all
                default: replica = .index(integer(choice, "`replica`", range: 0...999))
                }
            }
        }
        let region = node["region"]?.scalar
        if kind == .region, region == nil { error(.missingField, "a `region` fault names the `region` to cut off", at: node.location) }
        return FaultSpec(
            kind: kind, resource: resource, replica: replica,
            duration: duration(node["duration"], "`duration`", default: 10, range: 0...3600),
            latency: duration(node["latency"], "`latency`", default: 0.2, range: 0.001...30),
            count: node["count"].map { integer($0, "`count`", range: 1...10_000) } ?? 100, region: region,
            location: node.location)
    }

    // MARK: typed reads that report what is wrong where

    private mutating func mapping(_ node: YNode, _ what: String, allowed: [String]) -> [YPair]? {
        guard let pairs = node.mapping else {
            error(.wrongType, "\(what) must be a map, not a \(node.kindName)", at: node.location)
            return nil
        }
        for pair in pairs where !allowed.contains(pair.key) {
            error(
                .unknownKey, "unknown key `\(pair.key)` in \(what); allowed: \(allowed.joined(separator: ", "))", at: pair.keyLocation,
                hint: Suggestion.hint(for: pair.key, in: allowed))
        }
        return pairs
    }

    private mutating func sequence(_ node: YNode, _ what: String) -> [YNode] {
        guard let items = node.sequence else {
            error(.wrongType, "\(what) must be a list, not a \(node.kindName)", at: node.location)
            return []
        }
        return items
    }

    private mutating func duration(_ node: YNode?, _ what: String, default fallback: Double, range: ClosedRange<Double>) -> Double {
        guard let node else { return fallback }
        guard let seconds = Units.seconds(node.value), range.contains(seconds) else {
            error(.outOfRange, "\(what) must be a duration such as 10s or 500ms, between \(range.lowerBound) s and \(range.upperBound) s", at: node.location)
            return fallback
        }
        return seconds
    }

    private mutating func integer(_ node: YNode, _ what: String, range: ClosedRange<Int>) -> Int {
        guard let value = node.value.intValue, range.contains(value) else {
            error(.outOfRange, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)", at: node.location)
            return range.lowerBound
        }
        return value
    }

    private mutating func boolean(_ node: YNode, _ what: String) -> Bool {
        guard let value = node.value.boolValue else {
            error(.wrongType, "\(what) must be true or false", at: node.location)
            return false
        }
        return value
    }

    private mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code: code, message: message, at: location, hint: hint))
    }
}

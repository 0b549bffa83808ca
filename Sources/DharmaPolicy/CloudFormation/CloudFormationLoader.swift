import Foundation
import Yams

/// Reads CloudFormation templates (YAML with short-form tags such as `!Ref` and `!GetAtt`,
/// or JSON) into resources. Intrinsic functions that point at other resources become
/// references; the others (`!Sub`, `!If`, …) are values the scan cannot know.
public struct CloudFormationLoader: Sendable {
    public var maximumFileSize = 8 << 20

    public init() {}

    /// True when the text looks like a template: a `Resources` map or the format version.
    public static func isTemplate(_ text: String) -> Bool {
        text.contains("AWSTemplateFormatVersion")
            || text.contains("Resources")
                && (text.contains("Type: AWS::") || text.contains("\"Type\": \"AWS::") || text.contains("\"Type\":\"AWS::"))
    }

    public func load(path: String) -> TerraformLoader.Result {
        var result = TerraformLoader.Result()
        result.files = 1
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maximumFileSize {
            result.problems.append(
                ScanProblem(file: path, line: 1, message: "file is \(size / (1 << 20)) MB, over the \(maximumFileSize >> 20) MB limit; not scanned"))
            return result
        }
        guard let data = FileManager.default.contents(atPath: path), !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            result.problems.append(ScanProblem(file: path, line: 1, message: "is not UTF-8 text; not scanned"))
            return result
        }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { return result }
            root = composed
        } catch let error as YamlError {
            result.problems.append(ScanProblem(file: path, line: Self.line(of: error), message: "not valid YAML or JSON: \(error)"))
            return result
        } catch {
            result.problems.append(ScanProblem(file: path, line: 1, message: "not valid YAML or JSON: \(error)"))
            return result
        }
        guard let resources = root["Resources"]?.mapping else {
            result.problems.append(ScanProblem(file: path, line: 1, message: "has no `Resources` map"))
            return result
        }
        let parameters = Self.parameterDefaults(root["Parameters"])
        for (key, node) in resources {
            guard let id = key.string, let type = node["Type"]?.string else { continue }
            var properties: [String: PolicyValue] = [:]
            if let mapping = node["Properties"]?.mapping {
                for (propertyKey, value) in mapping {
                    if let name = propertyKey.string { properties[name] = Self.value(value, parameters: parameters) }
                }
            }
            result.resources.append(
                ScannedResource(address: id, type: type, file: path, line: (key.mark?.line ?? node.mark?.line ?? 0) + 1, attributes: properties))
        }
        return result
    }

    static func line(of error: YamlError) -> Int {
        let text = "\(error)"
        // Yams reports "... line N column M"; use it when present.
        if let range = text.range(of: "line "), let number = Int(text[range.upperBound...].prefix { $0.isNumber }) { return number }
        return 1
    }

    static func parameterDefaults(_ node: Node?) -> [String: PolicyValue] {
        var defaults: [String: PolicyValue] = [:]
        for (key, parameter) in node?.mapping ?? [:] {
            guard let name = key.string else { continue }
            defaults[name] = parameter["Default"].map { value($0, parameters: [:]) } ?? .reference(address: "parameter.\(name)", attribute: "")
        }
        return defaults
    }

    static func value(_ node: Node, parameters: [String: PolicyValue]) -> PolicyValue {
        let tag = node.tag.description
        switch node {
        case .scalar(let scalar):
            switch tag {
            case "!Ref": return parameters[scalar.string] ?? .reference(address: scalar.string, attribute: "")
            case "!GetAtt":
                let parts = scalar.string.split(separator: ".", maxSplits: 1).map(String.init)
                return .reference(address: parts.first ?? "", attribute: parts.count > 1 ? parts[1] : "")
            case "!Sub", "!ImportValue", "!Base64", "!GetAZs": return .unknown
            default:
                if scalar.style == .plain {
                    switch scalar.string.lowercased() {
                    case "true": return .bool(true)
                    case "false": return .bool(false)
                    case "null", "~": return .null
                    default: if let number = Double(scalar.string) { return .number(number) }
                    }
                }
                return .string(scalar.string)
            }
        case .sequence(let sequence):
            if tag == "!GetAtt", sequence.count == 2, let resource = sequence[0].string {
                return .reference(address: resource, attribute: sequence[1].string ?? "")
            }
            if tag.hasPrefix("!") { return .unknown }
            return .list(sequence.map { value($0, parameters: parameters) })
        case .mapping(let mapping):
            if tag.hasPrefix("!") { return .unknown }
            if mapping.count == 1, let (key, inner) = mapping.first, let name = key.string, name == "Ref" || name.hasPrefix("Fn::") {
                switch name {
                case "Ref": return inner.string.map { parameters[$0] ?? .reference(address: $0, attribute: "") } ?? .unknown
                case "Fn::GetAtt":
                    if let items = inner.sequence, items.count == 2, let resource = items[0].string {
                        return .reference(address: resource, attribute: items[1].string ?? "")
                    }
                    if let text = inner.string { return value(Node(text, Tag(Tag.Name(rawValue: "!GetAtt"))), parameters: parameters) }
                    return .unknown
                default: return .unknown
                }
            }
            var map: [String: PolicyValue] = [:]
            for (key, inner) in mapping { if let name = key.string { map[name] = value(inner, parameters: parameters) } }
            return .map(map)
        case .alias:
            return .unknown
        }
    }
}

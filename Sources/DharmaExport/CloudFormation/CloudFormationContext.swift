import DharmaCore

/// Expression writing for CloudFormation: variables are Parameters, references to other
/// resources are `Ref` / `Fn::GetAtt`, mixed strings are `Fn::Sub`.
struct CloudFormationContext: Sendable {
    var stack: ExportStack

    static func logicalID(_ name: String) -> String {
        name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func parameterName(_ variable: String) -> String { logicalID(variable) }

    static func ref(_ logical: String) -> Document { .object([("Ref", .string(logical))]) }

    static func getAtt(_ logical: String, _ attribute: String) -> Document {
        .object([("Fn::GetAtt", .strings([logical, attribute]))])
    }

    /// The `Ref` or `Fn::GetAtt` for an abstract output, with the text `Fn::Sub` uses for it.
    func output(_ resource: ExportResource, _ attribute: String) throws(ExportError) -> (Document, String) {
        let logical = Self.logicalID(resource.name)
        let attributes = CloudFormationExporter.outputs(of: resource)
        guard let mapped = attributes[attribute] else {
            throw .missingOutput(attribute, of: resource, in: "CloudFormation", offered: Array(attributes.keys))
        }
        if mapped == "Ref" { return (Self.ref(logical), "${\(logical)}") }
        return (Self.getAtt(logical, mapped), "${\(logical).\(mapped)}")
    }

    func doc(_ expr: Expr) throws(ExportError) -> Document {
        switch expr {
        case .value(let value): return Document.literal(value)
        case .variable(let name, _): return Self.ref(Self.parameterName(name))
        case .output(let name, let attribute, _):
            guard let target = stack.resource(named: name) else { throw ExportError("reference to `\(name).\(attribute)`: no resource `\(name)` in the stack") }
            return try output(target, attribute).0
        case .interpolation(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .variable(let name, _): text += "${\(Self.parameterName(name))}"
                case .output(let name, let attribute, _):
                    guard let target = stack.resource(named: name) else {
                        throw ExportError("reference to `\(name).\(attribute)`: no resource `\(name)` in the stack")
                    }
                    text += try output(target, attribute).1
                default: text += (part.resolved?.interpolated ?? "").replacingOccurrences(of: "${", with: "${!")
                }
            }
            return .object([("Fn::Sub", .string(text))])
        case .list(let items):
            var documents: [Document] = []
            for item in items { documents.append(try doc(item)) }
            return .list(documents)
        case .map(let entries):
            var documents: [String: Document] = [:]
            for (key, entry) in entries { documents[key] = try doc(entry) }
            return .sorted(documents)
        }
    }

    func property(_ resource: ExportResource, _ name: String, _ fallback: Document) throws(ExportError) -> Document {
        guard let expr = resource.expr(name) else { return fallback }
        return try doc(expr)
    }

    static func tags(_ resource: ExportResource) -> Document {
        .list(resource.tags.sorted { $0.key < $1.key }.map { .object([("Key", .string($0.key)), ("Value", .string($0.value))]) })
    }
}

/// The syntax tree of an HCL2 file (the native syntax Terraform uses), as far as scanning
/// configurations needs it: bodies of attributes and blocks, and expressions.
public struct HCLFile: Sendable {
    public var path: String
    public var body: HCLBody
}

public struct HCLBody: Sendable {
    public var attributes: [HCLAttributeNode] = []
    public var blocks: [HCLBlockNode] = []

    public func attribute(_ name: String) -> HCLAttributeNode? { attributes.first { $0.name == name } }
}

public struct HCLAttributeNode: Sendable {
    public var name: String
    public var expression: HCLExpression
    public var line: Int
}

public struct HCLBlockNode: Sendable {
    public var type: String
    public var labels: [String]
    public var body: HCLBody
    public var line: Int
}

public indirect enum HCLExpression: Sendable {
    public enum TemplatePart: Sendable {
        case text(String)
        case interpolation(HCLExpression)
        /// `%{ if … }` / `%{ for … }`: kept opaque, the template's value is unknown.
        case directive
    }

    public enum Traverser: Sendable {
        case attribute(String)
        case index(HCLExpression)
        /// `.*` or `[*]`: the rest applies to every element.
        case splat
    }

    case number(Double)
    case bool(Bool)
    case null
    case template([TemplatePart])
    case variable(String)
    case traversal(HCLExpression, [Traverser])
    case tuple([HCLExpression])
    case object([(HCLExpression, HCLExpression)])
    case call(String, [HCLExpression])
    case unary(String, HCLExpression)
    case binary(String, HCLExpression, HCLExpression)
    case conditional(HCLExpression, HCLExpression, HCLExpression)
    case forTuple(key: String?, value: String, collection: HCLExpression, result: HCLExpression, condition: HCLExpression?)
    case forObject(
        key: String?, value: String, collection: HCLExpression, resultKey: HCLExpression, result: HCLExpression,
        condition: HCLExpression?, grouped: Bool)
}

/// Why a file is not valid HCL, and where.
public struct HCLSyntaxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "\(line):\(column): \(message)" }
}

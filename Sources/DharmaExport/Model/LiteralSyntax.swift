import DharmaCore

/// An output language that can spell a plain blueprint value: HCL, a YAML/JSON document, Bicep.
/// The enum cases of each language satisfy these requirements, so one conversion serves them all.
protocol LiteralSyntax {
    static var null: Self { get }
    static func bool(_ flag: Bool) -> Self
    static func int(_ number: Int) -> Self
    static func number(_ number: Double) -> Self
    static func string(_ text: String) -> Self
    static func list(_ items: [Self]) -> Self
    /// An object with keys in sorted order, which keeps generated files deterministic.
    static func sorted(_ entries: [String: Self]) -> Self
}

extension LiteralSyntax {
    /// `value` written as a literal of this language; unknown values keep their placeholder text.
    static func literal(_ value: Value) -> Self {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .number(number)
        case .string(let text), .unknown(let text): return .string(text)
        case .list(let items): return .list(items.map(literal))
        case .map(let entries): return .sorted(entries.mapValues(literal))
        }
    }
}

extension HCL: LiteralSyntax {
    static func sorted(_ entries: [String: HCL]) -> HCL { .sortedObject(entries) }
}

extension Document: LiteralSyntax {}

extension Bicep: LiteralSyntax {
    static func list(_ items: [Bicep]) -> Bicep { .array(items) }
}

import DharmaCore

/// One blueprint resource, resolved for code generation: where it goes and what it asks for.
public struct ExportResource: Sendable {
    public var name: String
    public var type: String
    public var provider: ProviderName
    public var region: String
    /// Declared properties with the catalog's defaults filled in.
    public var properties: [String: Expr]
    public var dependsOn: [String]
    /// Owner, environment, stack and the blueprint's labels and tags.
    public var tags: [String: String]
    public var location: SourceLocation

    public func expr(_ name: String) -> Expr? { properties[name] }

    public func value(_ name: String) -> Value? { properties[name]?.resolved }

    public func string(_ name: String) -> String? { value(name)?.stringValue }

    public func bool(_ name: String, default fallback: Bool = false) -> Bool { value(name)?.boolValue ?? fallback }

    public func int(_ name: String) -> Int? { value(name)?.intValue }

    public func number(_ name: String) -> Double? { value(name)?.doubleValue }

    /// A size property in whole gibibytes, rounded up (`100Gi` → 100, `512Mi` → 1).
    public func gibibytes(_ name: String) -> Int? {
        guard let value = value(name), let bytes = Units.bytes(value) else { return nil }
        return Int((bytes + (1 << 30) - 1) >> 30)
    }

    public func mebibytes(_ name: String) -> Int? {
        guard let value = value(name), let bytes = Units.bytes(value) else { return nil }
        return Int((bytes + (1 << 20) - 1) >> 20)
    }

    public func seconds(_ name: String) -> Int? {
        guard let value = value(name), let seconds = Units.seconds(value) else { return nil }
        return Int(seconds.rounded(.up))
    }

    public func list(_ name: String) -> [Expr] { properties[name]?.listItems ?? [] }

    public func map(_ name: String) -> [String: Expr] { properties[name]?.mapEntries ?? [:] }

    /// A name a cloud accepts almost everywhere: the stack and resource, lowercase, hyphens.
    public func cloudName(_ stack: String, limit: Int = 63) -> String {
        let raw = "\(stack)-\(name)".lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(String(raw).prefix(limit))
    }
}

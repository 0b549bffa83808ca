import DharmaCore

/// An accepted exception: this rule does not apply to this resource, for this reason, until
/// this date, as approved by this person. An expired waiver no longer applies.
public struct Waiver: Sendable, Hashable {
    public var rule: String
    /// A resource address, or `*` for every resource.
    public var resource: String
    public var justification: String
    /// `YYYY-MM-DD`, the last day it applies.
    public var expires: String
    public var approver: String
    public var location: SourceLocation?

    public init(rule: String, resource: String, justification: String, expires: String, approver: String, location: SourceLocation? = nil) {
        self.rule = rule
        self.resource = resource
        self.justification = justification
        self.expires = expires
        self.approver = approver
        self.location = location
    }

    public func covers(rule id: String, resource address: String, today: String) -> Bool {
        rule == id && (resource == "*" || resource == address) && today <= expires
    }

    static let keys = ["rule", "resource", "justification", "expires", "approver"]

    /// Reads `waivers:` (a list of maps), naming FILE:LINE:COL of anything wrong.
    public static func parse(_ node: YNode) throws(RuleLoader.Problem) -> [Waiver] {
        guard let items = (node["waivers"] ?? node).sequence else {
            throw RuleLoader.Problem(location: node.location, message: "`waivers` is a list of {rule, resource, justification, expires, approver}")
        }
        var waivers: [Waiver] = []
        for item in items {
            guard let pairs = item.mapping else { throw RuleLoader.Problem(location: item.location, message: "a waiver is a map") }
            for pair in pairs where !keys.contains(pair.key) {
                throw RuleLoader.Problem(location: pair.keyLocation, message: "unknown key `\(pair.key)` in a waiver; keys are " + keys.joined(separator: ", "))
            }
            var fields: [String: String] = [:]
            for key in keys {
                guard let value = item[key]?.scalar, !value.isEmpty else {
                    throw RuleLoader.Problem(location: item.location, message: "a waiver needs `\(key)`")
                }
                fields[key] = value
            }
            let expires = fields["expires"] ?? ""
            guard isDate(expires) else {
                throw RuleLoader.Problem(
                    location: item["expires"]?.location ?? item.location, message: "`expires` must be a date YYYY-MM-DD, found `\(expires)`")
            }
            waivers.append(
                Waiver(
                    rule: fields["rule"] ?? "", resource: fields["resource"] ?? "", justification: fields["justification"] ?? "",
                    expires: expires, approver: fields["approver"] ?? "", location: item.location))
        }
        return waivers
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

import DharmaCore

/// How much a resource is used, for prices that depend on it. Each field says whether it came
/// from the blueprint/usage file or is Dharma's stated default.
public struct Usage: Sendable, Hashable {
    public var storageGB: Double?
    public var egressGB: Double?
    public var requestsPerMonth: Double?
    public var hoursPerMonth: Double?
    /// Average CPU utilisation 0…1, for the carbon model.
    public var utilisation: Double?
    /// Average run time of a function call, seconds.
    public var durationSeconds: Double?

    public init() {}

    public static let fields: [String: String] = [
        "storageGB": "gigabytes stored", "egressGB": "gigabytes sent to the internet per month",
        "requestsPerMonth": "requests or messages per month", "hoursPerMonth": "hours running per month (730 = always)",
        "utilisation": "average CPU utilisation, 0 to 1 or a percentage such as 35%", "durationSeconds": "average run time of one call, seconds",
    ]

    /// Reads `{storageGB: 500, egressGB: 100, …}`; names where it is wrong.
    public static func parse(_ value: Value, at place: String) throws(CostError) -> Usage {
        guard let entries = value.mapValue else { throw CostError("\(place): usage must be a map such as {storageGB: 500, egressGB: 100}") }
        var usage = Usage()
        for (key, raw) in entries.sorted(by: { $0.key < $1.key }) {
            guard Self.fields[key] != nil else {
                throw CostError(
                    "\(place): unknown usage field `\(key)`" + (Suggestion.hint(for: key, in: Array(fields.keys)).map { "; \($0)" } ?? "")
                        + "; fields are " + fields.keys.sorted().joined(separator: ", "))
            }
            let number: Double?
            if key == "utilisation", let percent = Units.percent(raw) {
                number = percent > 1 ? percent / 100 : percent
            } else {
                number = raw.doubleValue
            }
            guard let number, number.isFinite, number >= 0 else {
                throw CostError("\(place).\(key): expected a non-negative number (\(fields[key] ?? "")), found \(raw.rendered)")
            }
            switch key {
            case "storageGB": usage.storageGB = number
            case "egressGB": usage.egressGB = number
            case "requestsPerMonth": usage.requestsPerMonth = number
            case "hoursPerMonth":
                guard number <= 744 else { throw CostError("\(place).hoursPerMonth: a month has at most 744 hours, found \(raw.rendered)") }
                usage.hoursPerMonth = number
            case "utilisation":
                guard number <= 1 else { throw CostError("\(place).utilisation: expected 0…1 or a percentage, found \(raw.rendered)") }
                usage.utilisation = number
            default: usage.durationSeconds = number
            }
        }
        return usage
    }

    /// Reads a usage file, naming FILE:LINE:COL of the resource whose usage is wrong.
    public static func parseFile(_ node: YNode) throws(CostError) -> [String: Usage] {
        let root = node["resources"] ?? node
        guard let pairs = root.mapping else { throw CostError("\(root.location): a usage file is a map of resource names to usage") }
        var result: [String: Usage] = [:]
        for pair in pairs { result[pair.key] = try parse(pair.value.value, at: "\(pair.value.location): usage of `\(pair.key)`") }
        return result
    }

    /// Reads a usage document: `{resources: {NAME: {storageGB: …}}}` or `{NAME: {…}}`.
    public static func parseFile(_ value: Value, at place: String) throws(CostError) -> [String: Usage] {
        guard var entries = value.mapValue else { throw CostError("\(place): a usage file is a map of resource names to usage") }
        if let nested = entries["resources"]?.mapValue { entries = nested }
        var result: [String: Usage] = [:]
        for (name, raw) in entries { result[name] = try parse(raw, at: "\(place): \(name)") }
        return result
    }
}

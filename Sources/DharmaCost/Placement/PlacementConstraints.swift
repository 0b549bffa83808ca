import DharmaCore

/// Where the optimiser may move resources: `metadata.placement` of the blueprint.
///
/// ```yaml
/// placement: {providers: [aws, gcp], regions: [eu-west-1, europe-west1], residency: eu, latency: regional}
/// ```
/// Without `providers`, resources stay on the providers the blueprint already uses. `latency`
/// is `same-region` (only the purchase option may change), `regional` (the default: stay in
/// the same geography) or `global`.
public struct PlacementConstraints: Sendable {
    public enum Latency: String, Sendable, CaseIterable {
        case sameRegion = "same-region"
        case regional
        case global
    }

    public var providers: Set<ProviderName>?
    public var regions: Set<String>?
    public var residency: String?
    public var latency: Latency = .regional

    public init() {}

    public static let geographies = ["eu", "us", "apac", "cn"]

    public static func of(_ blueprint: Blueprint) throws(CostError) -> PlacementConstraints {
        var constraints = PlacementConstraints()
        guard let value = blueprint.metadata.extra["placement"] else { return constraints }
        let place = "\(blueprint.path): metadata.placement"
        guard let entries = value.mapValue else {
            throw CostError("\(place): write it as {providers: [aws, gcp], residency: eu, latency: regional}")
        }
        for (key, raw) in entries.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "providers":
                var names: Set<ProviderName> = []
                for item in raw.listValue ?? [raw] {
                    guard let text = item.stringValue, let provider = ProviderName(rawValue: text) else {
                        let known = ProviderName.allCases.map(\.rawValue)
                        throw CostError(
                            "\(place).providers: `\(item.interpolated)` is not a provider"
                                + (Suggestion.hint(for: item.interpolated, in: known).map { "; \($0)" } ?? "") + "; providers are "
                                + known.joined(separator: ", "))
                    }
                    names.insert(provider)
                }
                constraints.providers = names
            case "regions":
                constraints.regions = Set((raw.listValue ?? [raw]).map(\.interpolated))
            case "residency":
                guard let text = raw.stringValue, geographies.contains(text) else {
                    throw CostError("\(place).residency: `\(raw.interpolated)` is not one of " + geographies.joined(separator: ", "))
                }
                constraints.residency = text
            case "latency":
                guard let text = raw.stringValue, let tier = Latency(rawValue: text) else {
                    throw CostError("\(place).latency: `\(raw.interpolated)` is not one of " + Latency.allCases.map(\.rawValue).joined(separator: ", "))
                }
                constraints.latency = tier
            default:
                throw CostError(
                    "\(place): unknown key `\(key)`"
                        + (Suggestion.hint(for: key, in: ["providers", "regions", "residency", "latency"]).map { "; \($0)" } ?? "")
                        + "; placement has providers, regions, residency and latency")
            }
        }
        return constraints
    }

    public var summary: String {
        var parts: [String] = []
        parts.append("providers " + (providers.map { $0.map(\.rawValue).sorted().joined(separator: ", ") } ?? "as written"))
        if let regions { parts.append("regions " + regions.sorted().joined(separator: ", ")) }
        if let residency { parts.append("residency \(residency)") }
        parts.append("latency \(latency.rawValue)")
        return parts.joined(separator: "; ")
    }
}

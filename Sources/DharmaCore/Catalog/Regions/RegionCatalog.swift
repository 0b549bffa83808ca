/// Every public region of the clouds Dharma names regions for, with their zones: what
/// `validate` checks a blueprint's regions and zones against. The price catalog prices a handful
/// of them; this list knows them all, so a valid region without a price is said as such, not
/// refused.
///
/// Providers whose regions are the operator's own names (vSphere, OpenStack, Proxmox,
/// Kubernetes, the local runtime) and the data platforms that follow a cloud's names
/// (Snowflake, Databricks) take any DNS-label name.
public enum RegionCatalog {
    public struct Region: Sendable, Hashable {
        public var name: String
        /// Where it is, in words.
        public var location: String
        /// Zone names as the provider's APIs write them; empty where the provider has none.
        public var zones: [String]

        init(_ name: String, _ location: String, zones: [String] = []) {
            self.name = name
            self.location = location
            self.zones = zones
        }
    }

    /// The regions of a provider whose region names are its own; nil for providers whose
    /// regions the operator names.
    public static func regions(of provider: ProviderName) -> [Region]? {
        switch provider {
        case .aws: aws
        case .azure: azure
        case .gcp: gcp
        case .oracle: oracle
        case .alibaba: alibaba
        case .ibm: ibm
        case .digitalocean: digitalocean
        case .local, .vsphere, .openstack, .proxmox, .kubernetes, .snowflake, .databricks: nil
        }
    }

    public static func region(_ name: String, of provider: ProviderName) -> Region? {
        regions(of: provider)?.first { $0.name == name }
    }

    /// Why `name` is not a region of `provider`, with the closest one; nil when it is one.
    public static func problem(region name: String, provider: ProviderName) -> (message: String, hint: String?)? {
        guard let known = regions(of: provider) else {
            guard DNSLabel.isValid(name) else {
                return ("region `\(name)` is not a valid name for \(provider.rawValue): lowercase letters, digits and `-`, at most 63", nil)
            }
            return nil
        }
        guard !known.contains(where: { $0.name == name }) else { return nil }
        let names = known.map(\.name)
        // A name cut short (`germanywest`) is closest to the regions it begins.
        let extended = names.filter { $0.hasPrefix(name) }.sorted { $0.count < $1.count }.first.map { "did you mean `\($0)`?" }
        return (
            "`\(name)` is not a region of \(provider.rawValue)",
            Suggestion.hint(for: name, in: names) ?? extended ?? "\(provider.rawValue) regions include " + names.prefix(8).joined(separator: ", ") + ", …"
        )
    }

    /// Why `zone` is not a zone of `region`; nil when it is one, or the provider has no zones to check.
    public static func problem(zone: String, region name: String, provider: ProviderName) -> (message: String, hint: String?)? {
        guard let region = region(name, of: provider), !region.zones.isEmpty else { return nil }
        if region.zones.contains(zone) { return nil }
        // OCI writes availability domains with the tenancy's prefix: `Uocm:EU-FRANKFURT-1-AD-1`.
        if provider == .oracle, let suffix = zone.split(separator: ":").last,
            region.zones.contains(where: { suffix.uppercased() == "\(name.uppercased())-\($0)" })
        {
            return nil
        }
        return (
            "`\(zone)` is not a zone of \(provider.rawValue) region \(name); it has " + region.zones.joined(separator: ", "),
            Suggestion.hint(for: zone, in: region.zones)
        )
    }
}

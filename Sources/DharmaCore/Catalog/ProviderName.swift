/// The providers a blueprint may name in `target.provider` or a resource's `provider`.
public enum ProviderName: String, Sendable, CaseIterable, Codable, Hashable, Comparable {
    case local, aws, azure, gcp, digitalocean, alibaba, ibm, oracle, vsphere, openstack, proxmox, kubernetes, snowflake, databricks

    public static func < (lhs: ProviderName, rhs: ProviderName) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

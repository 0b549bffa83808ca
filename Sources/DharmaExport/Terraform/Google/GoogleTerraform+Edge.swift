import DharmaCore

/// Cloud CDN in front of an origin outside Google, and Firestore as the key-value store.
extension GoogleTerraform {
    /// Cloud CDN caches a backend service; an internet network endpoint group makes the
    /// blueprint's origin (a host name) that backend. With aliases the edge serves HTTPS with
    /// a Google-managed certificate for them; without, it has only its address and serves HTTP.
    func contentDelivery(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let base = r.cloudName(c.stack.name, limit: 50)
        let aliases = r.list("aliases")
        let ttl = r.seconds("cacheTtl") ?? 3600
        var blocks = [
            resource("google_compute_global_address", n, [.attr("name", base)]),
            resource(
                "google_compute_global_network_endpoint_group", n,
                [.attr("name", base), .attr("network_endpoint_type", "INTERNET_FQDN_PORT"), .attr("default_port", 443)]),
            resource(
                "google_compute_global_network_endpoint", n,
                [
                    .ref("global_network_endpoint_group", "google_compute_global_network_endpoint_group.\(n).name"),
                    .attr("fqdn", try c.hcl(r.expr("origin") ?? .value(.null))), .attr("port", 443),
                ]),
            resource(
                "google_compute_backend_service", n,
                [
                    .attr("name", base), .attr("protocol", "HTTPS"), .attr("load_balancing_scheme", "EXTERNAL_MANAGED"), .attr("enable_cdn", true),
                    .nested("backend", [.ref("group", "google_compute_global_network_endpoint_group.\(n).id")]),
                    .nested(
                        "cdn_policy",
                        [.attr("cache_mode", "CACHE_ALL_STATIC"), .attr("default_ttl", ttl), .attr("max_ttl", max(ttl, 86_400)), .attr("client_ttl", ttl)]),
                    .nested("log_config", [.attr("enable", true), .attr("sample_rate", .number(1))]),
                ]),
            resource("google_compute_url_map", n, [.attr("name", base), .ref("default_service", "google_compute_backend_service.\(n).id")]),
        ]
        let proxy: String
        if aliases.isEmpty {
            proxy = "google_compute_target_http_proxy.\(n).id"
            blocks.append(resource("google_compute_target_http_proxy", n, [.attr("name", base), .ref("url_map", "google_compute_url_map.\(n).id")]))
        } else {
            proxy = "google_compute_target_https_proxy.\(n).id"
            blocks += [
                resource(
                    "google_compute_managed_ssl_certificate", n,
                    [.attr("name", base), .nested("managed", [.attr("domains", try c.hcl(.list(aliases)))])]),
                resource(
                    "google_compute_ssl_policy", n, [.attr("name", base), .attr("profile", "MODERN"), .attr("min_tls_version", "TLS_1_2")]),
                resource(
                    "google_compute_target_https_proxy", n,
                    [
                        .attr("name", base), .ref("url_map", "google_compute_url_map.\(n).id"), .ref("ssl_policy", "google_compute_ssl_policy.\(n).id"),
                        .attr("ssl_certificates", .list([.traversal("google_compute_managed_ssl_certificate.\(n).id")])),
                    ]),
            ]
        }
        blocks.append(
            resource(
                "google_compute_global_forwarding_rule", n,
                [
                    .attr("name", base), .ref("target", proxy), .ref("ip_address", "google_compute_global_address.\(n).id"),
                    .attr("port_range", aliases.isEmpty ? "80" : "443"), .attr("load_balancing_scheme", "EXTERNAL_MANAGED"),
                ]))
        return blocks
    }

    /// A Firestore database in native mode: documents keyed by their id, which plays the
    /// partition key's part.
    func firestore(_ r: ExportResource, _ c: TerraformContext) -> [HCLBlock] {
        [
            resource(
                "google_firestore_database", r.name,
                [
                    .attr("name", r.cloudName(c.stack.name)), .attr("location_id", r.region), .attr("type", "FIRESTORE_NATIVE"),
                    .attr(
                        "point_in_time_recovery_enablement",
                        r.bool("pointInTimeRecovery", default: true) ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED"),
                    .attr("delete_protection_state", "DELETE_PROTECTION_ENABLED"),
                ])
        ]
    }
}

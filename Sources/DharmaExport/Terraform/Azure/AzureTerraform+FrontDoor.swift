import DharmaCore

/// A CDN on Azure is Front Door (Standard, or Premium when a WAF is asked for): an endpoint,
/// an origin group holding the blueprint's origin, a route, a managed-certificate custom
/// domain per alias, and the WAF policy.
extension AzureTerraform {
    func frontDoor(_ r: ExportResource, _ c: TerraformContext, tags: HCLBlock.Item) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let name = r.cloudName(c.stack.name, limit: 46)
        let waf = r.bool("waf")
        let sku = waf ? "Premium_AzureFrontDoor" : "Standard_AzureFrontDoor"
        let profile = HCLBlock.Item.ref("cdn_frontdoor_profile_id", "azurerm_cdn_frontdoor_profile.\(n).id")
        var blocks = [
            resource("azurerm_cdn_frontdoor_profile", n, [.attr("name", name), Self.groupName, .attr("sku_name", sku), tags]),
            resource("azurerm_cdn_frontdoor_endpoint", n, [.attr("name", name), profile, tags]),
            resource(
                "azurerm_cdn_frontdoor_origin_group", n,
                [
                    .attr("name", "origins"), profile,
                    .nested("load_balancing", [.attr("sample_size", 4), .attr("successful_samples_required", 3)]),
                    .nested(
                        "health_probe",
                        [.attr("protocol", "Https"), .attr("interval_in_seconds", 100), .attr("path", "/"), .attr("request_type", "HEAD")]),
                ]),
            resource(
                "azurerm_cdn_frontdoor_origin", n,
                [
                    .attr("name", "origin"), .ref("cdn_frontdoor_origin_group_id", "azurerm_cdn_frontdoor_origin_group.\(n).id"),
                    .attr("enabled", true), .attr("host_name", try c.hcl(r.expr("origin") ?? .value(.null))),
                    .attr("certificate_name_check_enabled", true), .attr("https_port", 443),
                ]),
        ]
        var domains: [HCL] = []
        for (index, alias) in r.list("aliases").enumerated() {
            let label = "\(n)-\(index)"
            blocks.append(
                resource(
                    "azurerm_cdn_frontdoor_custom_domain", label,
                    [
                        .attr("name", "\(name)-\(index)"), profile, .attr("host_name", try c.hcl(alias)),
                        .nested("tls", [.attr("certificate_type", "ManagedCertificate"), .attr("minimum_tls_version", "TLS12")]),
                    ]))
            domains.append(.traversal("azurerm_cdn_frontdoor_custom_domain.\(label).id"))
        }
        var route: [HCLBlock.Item] = [
            .attr("name", "default"), .ref("cdn_frontdoor_endpoint_id", "azurerm_cdn_frontdoor_endpoint.\(n).id"),
            .ref("cdn_frontdoor_origin_group_id", "azurerm_cdn_frontdoor_origin_group.\(n).id"),
            .attr("cdn_frontdoor_origin_ids", .list([.traversal("azurerm_cdn_frontdoor_origin.\(n).id")])),
            .attr("supported_protocols", .strings(["Http", "Https"])), .attr("patterns_to_match", .strings(["/*"])),
            .attr("forwarding_protocol", "HttpsOnly"), .attr("https_redirect_enabled", r.bool("httpsOnly", default: true)),
            .attr("link_to_default_domain", true),
            .nested("cache", [.attr("query_string_caching_behavior", "UseQueryString"), .attr("compression_enabled", true)]),
        ]
        if !domains.isEmpty { route.insert(.attr("cdn_frontdoor_custom_domain_ids", .list(domains)), at: 3) }
        blocks.append(resource("azurerm_cdn_frontdoor_route", n, route))
        if waf {
            blocks += [
                resource(
                    "azurerm_cdn_frontdoor_firewall_policy", n,
                    [
                        .attr("name", Self.compactName(c.stack.name, n, limit: 128)), Self.groupName, .attr("sku_name", sku),
                        .attr("mode", "Prevention"), .attr("enabled", true),
                        .nested("managed_rule", [.attr("type", "Microsoft_DefaultRuleSet"), .attr("version", "2.1"), .attr("action", "Block")]),
                        .nested("managed_rule", [.attr("type", "Microsoft_BotManagerRuleSet"), .attr("version", "1.1"), .attr("action", "Block")]),
                        tags,
                    ]),
                resource(
                    "azurerm_cdn_frontdoor_security_policy", n,
                    [
                        .attr("name", "waf"), profile,
                        .nested(
                            "security_policies",
                            [
                                .nested(
                                    "firewall",
                                    [
                                        .ref("cdn_frontdoor_firewall_policy_id", "azurerm_cdn_frontdoor_firewall_policy.\(n).id"),
                                        .nested(
                                            "association",
                                            [
                                                .nested("domain", [.ref("cdn_frontdoor_domain_id", "azurerm_cdn_frontdoor_endpoint.\(n).id")]),
                                                .attr("patterns_to_match", .strings(["/*"])),
                                            ]),
                                    ])
                            ]),
                    ]),
            ]
        }
        return blocks
    }
}

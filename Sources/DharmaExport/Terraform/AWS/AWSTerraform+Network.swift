import DharmaCore

extension AWSTerraform {
    /// One `ingress`/`egress` block; every rule carries a description, as CIS asks.
    func securityRule(_ rule: Expr, direction: String, _ c: TerraformContext) throws(ExportError) -> [HCLBlock.Item] {
        let fields = rule.mapEntries ?? [:]
        let ports = Self.portRange(fields)
        let proto = fields["protocol"]?.resolved?.stringValue ?? (direction == "from" ? "tcp" : "all")
        return [
            .attr("description", fields["description"]?.resolved?.stringValue ?? "\(direction == "from" ? "ingress" : "egress") rule managed by Dharma"),
            .attr("from_port", proto == "all" ? 0 : ports.0),
            .attr("to_port", proto == "all" ? 0 : ports.1),
            .attr("protocol", proto == "all" ? "-1" : proto),
            .attr("cidr_blocks", try c.hcl(fields[direction] ?? .list([]))),
        ]
    }

    /// Firewalls on the network of a load balancer's first subnet: they say what may reach it.
    static func firewalls(sharingNetworkWith balancer: ExportResource, in stack: ExportStack) -> [String] {
        guard balancer.string("protocol") != "tcp", balancer.string("protocol") != "udp",
            case .output(let subnet, _, _)? = balancer.list("subnets").first,
            case .output(let network, _, _)? = stack.resource(named: subnet)?.expr("vpc")
        else { return [] }
        return stack.resources.filter { candidate in
            guard candidate.type == "network.firewall", candidate.provider == .aws, case .output(let other, _, _)? = candidate.expr("vpc") else { return false }
            return other == network
        }.map(\.name)
    }

    static func portRange(_ fields: [String: Expr]) -> (Int, Int) {
        if let port = fields["port"]?.resolved?.intValue { return (port, port) }
        if let range = fields["ports"]?.resolved?.stringValue {
            let bounds = range.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2 { return (bounds[0], bounds[1]) }
            if bounds.count == 1 { return (bounds[0], bounds[0]) }
        }
        return (0, 65_535)
    }

    /// An application load balancer with HTTPS (TLS 1.2+ or 1.3 only), HTTP redirected to
    /// HTTPS, invalid headers dropped, deletion protection and access logs.
    func loadBalancer(_ r: ExportResource, _ c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        let n = r.name
        let isInternal = r.string("scheme") != "internet-facing"
        let proto = r.string("protocol") ?? "https"
        let layer7 = proto == "http" || proto == "https"
        var blocks = [
            resource(
                "aws_lb", n,
                [
                    .attr("name", r.cloudName(c.stack.name, limit: 32)),
                    .attr("internal", isInternal),
                    .attr("load_balancer_type", layer7 ? "application" : "network"),
                    .attr("subnets", try c.property(r, "subnets", .list([])) ?? .list([])),
                    .attr("drop_invalid_header_fields", layer7),
                    .attr("security_groups", .list(Self.firewalls(sharingNetworkWith: r, in: c.stack).map { .traversal("aws_security_group.\($0).id") })),
                    .attr("enable_deletion_protection", true),
                    .nested(
                        "access_logs",
                        [.ref("bucket", "\(Self.logBucket).id"), .attr("prefix", "lb/\(n)"), .attr("enabled", r.bool("accessLogs", default: true))]),
                    .attr("tags", c.tags(r)),
                ])
        ]
        let machines = c.stack.machineTargets(of: r)
        var group: [HCLBlock.Item] = [
            .attr("name", r.cloudName(c.stack.name, limit: 32)),
            .attr("port", 8443), .attr("protocol", layer7 ? "HTTPS" : proto.uppercased()), .attr("target_type", machines.isEmpty ? "ip" : "instance"),
        ]
        if let network = try targetNetwork(of: r, c, into: &blocks) { group.append(.attr("vpc_id", network)) }
        group += [
            .nested("health_check", [.attr("path", r.string("healthPath") ?? "/healthz"), .attr("matcher", "200-399")]),
            .attr("tags", c.tags(r)),
        ]
        blocks.append(resource("aws_lb_target_group", n, group))
        for machine in machines {
            blocks.append(
                resource(
                    "aws_lb_target_group_attachment", "\(n)-\(machine)",
                    [.ref("target_group_arn", "aws_lb_target_group.\(n).arn"), .ref("target_id", "aws_instance.\(machine).id"), .attr("port", 8443)]))
        }
        let forward = HCLBlock.Item.nested("default_action", [.attr("type", "forward"), .ref("target_group_arn", "aws_lb_target_group.\(n).arn")])
        if proto == "https" {
            var listener: [HCLBlock.Item] = [
                .ref("load_balancer_arn", "aws_lb.\(n).arn"), .attr("port", r.int("port") ?? 443), .attr("protocol", "HTTPS"),
                .attr("ssl_policy", r.string("tlsPolicy") == "tls1.3" ? "ELBSecurityPolicy-TLS13-1-3-2021-06" : "ELBSecurityPolicy-TLS13-1-2-2021-06"),
            ]
            if let certificate = r.expr("certificate") { listener.append(.attr("certificate_arn", try c.hcl(certificate))) }
            listener.append(forward)
            blocks.append(resource("aws_lb_listener", n, listener))
            blocks.append(
                resource(
                    "aws_lb_listener", "\(n)-redirect",
                    [
                        .ref("load_balancer_arn", "aws_lb.\(n).arn"), .attr("port", 80), .attr("protocol", "HTTP"),
                        .nested(
                            "default_action",
                            [
                                .attr("type", "redirect"),
                                .nested(
                                    "redirect",
                                    [
                                        .attr("port", "443"), .attr("protocol", "HTTPS"), .attr("status_code", "HTTP_301"),
                                    ]),
                            ]),
                    ]))
        } else {
            blocks.append(
                resource(
                    "aws_lb_listener", n,
                    [
                        .ref("load_balancer_arn", "aws_lb.\(n).arn"), .attr("port", r.int("port") ?? 80),
                        .attr("protocol", proto.uppercased()), forward,
                    ]))
        }
        if !isInternal && layer7 {
            blocks.append(
                resource(
                    "aws_wafv2_web_acl_association", n,
                    [
                        .ref("resource_arn", "aws_lb.\(n).arn"), .ref("web_acl_arn", "aws_wafv2_web_acl.dharma.arn"),
                    ]))
        }
        return blocks
    }

    /// The VPC of a load balancer's first subnet, which its target group must name: the
    /// subnet's `vpc` when it is the blueprint's, else looked up by the subnet's id.
    func targetNetwork(of r: ExportResource, _ c: TerraformContext, into blocks: inout [HCLBlock]) throws(ExportError) -> HCL? {
        guard let first = r.list("subnets").first else { return nil }
        if case .output(let subnet, _, _) = first {
            return try c.stack.resource(named: subnet)?.expr("vpc").map { (vpc: Expr) throws(ExportError) in try c.hcl(vpc) }
        }
        blocks.append(HCLBlock("data", ["aws_subnet", r.name], [.attr("id", try c.hcl(first))]))
        return .traversal("data.aws_subnet.\(r.name).vpc_id")
    }
}

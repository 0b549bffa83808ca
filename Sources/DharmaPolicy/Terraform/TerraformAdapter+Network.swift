extension TerraformAdapter {
    static let worldIPv4: Set<String> = ["0.0.0.0/0"]
    static let worldIPv6: Set<String> = ["::/0", "0000:0000:0000:0000:0000:0000:0000:0000/0"]
    static let internetPrefixes: Set<String> = ["*", "0.0.0.0", "<nw>/0", "/0", "internet", "any", "0.0.0.0/0", "::/0"]

    static let networkMappings: [String: Mapping] = [
        "aws_security_group": { group, _ in
            var rules: [PolicyValue] = []
            for rule in group["ingress"]?.list ?? [] {
                guard case .map(let fields) = rule else { continue }
                // A rule limited to the group itself: Checkov stops reading the group there.
                if fields["self"]?.bool == true { break }
                rules.append(awsIngress(fields))
            }
            if case .unknown? = group["ingress"] { return ("network.firewall", ["ingress": .unknown]) }
            return ("network.firewall", ["ingress": .list(rules)])
        },
        "aws_security_group_rule": { rule, _ in
            guard rule["type"]?.string == "ingress" else { return ("network.firewall.egress", [:]) }
            if rule["self"]?.bool == true { return ("network.firewall", ["ingress": .list([])]) }
            return ("network.firewall", ["ingress": .list([awsIngress(rule.attributes)])])
        },
        "aws_vpc_security_group_ingress_rule": { rule, _ in
            guard rule["from_port"] != nil || rule["to_port"] != nil else { return ("network.firewall", ["ingress": .list([])]) }
            var fields = rule.attributes
            fields["protocol"] = rule["ip_protocol"]
            fields["cidr_blocks"] = rule["cidr_ipv4"].map { .list([$0]) }
            fields["ipv6_cidr_blocks"] = rule["cidr_ipv6"].map { .list([$0]) }
            fields["security_groups"] = rule["referenced_security_group_id"].map { .list([$0]) }
            fields["prefix_list_ids"] = rule["prefix_list_id"].map { .list([$0]) }
            return ("network.firewall", ["ingress": .list([awsIngress(fields)])])
        },
        "azurerm_network_security_group": { group, _ in
            ("network.firewall", ["ingress": .list((group["security_rule"]?.list ?? []).compactMap { $0.mapEntries.map(azureIngress) })])
        },
        "azurerm_network_security_rule": { rule, _ in
            ("network.firewall", ["ingress": .list([azureIngress(rule.attributes)])])
        },
        "google_compute_firewall": { firewall, _ in
            let sources = firewall["source_ranges"]
            let open: PolicyValue =
                sources.map { value in
                    guard let items = value.list else { return .unknown }
                    return .bool(items.contains { $0.string.map(worldIPv4.contains) ?? false })
                } ?? .bool(false)
            var rules: [PolicyValue] = []
            if let allow = firewall["allow"], allow.list?.allSatisfy({ $0.mapEntries != nil }) != true {
                return ("network.firewall", ["ingress": .unknown])
            }
            // Allow blocks without `ports` are not read as port rules, as Checkov reads them.
            for allow in firewall["allow"]?.list ?? [] {
                guard let ports = allow["ports"]?.list else { continue }
                let ranges = ports.map { range -> PolicyValue in
                    let (from, to) = portRange(range)
                    return .map(["fromPort": from, "toPort": to])
                }
                rules.append(.map(["ports": .list(ranges), "open": open, "protocol": allow["protocol"] ?? .string("all")]))
            }
            let direction = firewall["direction"]?.string ?? "INGRESS"
            return ("network.firewall", ["ingress": direction == "INGRESS" ? .list(rules) : .list([])])
        },
        "aws_vpc": { vpc, links in
            ("network.vpc", ["flowLogs": .bool(!links.companions(of: vpc, type: "aws_flow_log").isEmpty)])
        },
    ]

    /// One AWS ingress rule: ports (`0`–`0` means all), and whether anyone on the internet
    /// can reach it — a world CIDR, or no source at all.
    static func awsIngress(_ fields: [String: PolicyValue]) -> PolicyValue {
        func present(_ key: String) -> Bool {
            guard let value = fields[key] else { return false }
            if case .list(let items) = value { return !items.isEmpty }
            return value != .null
        }
        var from = fields["from_port"].map { $0.number.map(PolicyValue.number) ?? .unknown } ?? .number(-1)
        var to = fields["to_port"].map { $0.number.map(PolicyValue.number) ?? .unknown } ?? .number(-1)
        if from == .number(0) && to == .number(0) { to = .number(65_535) }
        let protocolName = fields["protocol"]?.string ?? ""
        if protocolName == "-1" && from == .number(-1) { from = .number(0) }
        let open: PolicyValue
        if present("prefix_list_ids") {
            open = .bool(false)
        } else {
            let cidrs = fields["cidr_blocks"]
            let ipv6 = fields["ipv6_cidr_blocks"]
            if cidrs?.isUnknown == true || ipv6?.isUnknown == true {
                open = .unknown
            } else if (cidrs?.list ?? []).contains(where: { $0.string.map(worldIPv4.contains) ?? false })
                || (ipv6?.list ?? []).contains(where: { $0.string.map(worldIPv6.contains) ?? false })
            {
                open = .bool(true)
            } else {
                open = .bool(
                    !present("cidr_blocks") && !present("ipv6_cidr_blocks") && fields["security_groups"] == nil
                        && fields["source_security_group_id"] == nil)
            }
        }
        return .map([
            "ports": .list([.map(["fromPort": from, "toPort": to])]), "open": open,
            "protocol": .string(protocolName == "-1" ? "all" : protocolName),
        ])
    }

    /// One Azure NSG rule, as a list of the port ranges an inbound TCP allow opens to the internet.
    static func azureIngress(_ fields: [String: PolicyValue]) -> PolicyValue {
        let inbound = fields["direction"]?.string?.lowercased() == "inbound" && fields["access"]?.string?.lowercased() == "allow"
        let tcp = ["tcp", "*"].contains(fields["protocol"]?.string?.lowercased() ?? "")
        var sources = (fields["source_address_prefixes"]?.list ?? []).compactMap(\.string)
        if let single = fields["source_address_prefix"]?.string { sources.append(single) }
        let open = inbound && tcp && sources.contains { internetPrefixes.contains($0.lowercased()) }
        var ranges: [PolicyValue] = []
        if let single = fields["destination_port_range"] { ranges.append(single) }
        ranges += fields["destination_port_ranges"]?.list ?? []
        let ports = ranges.map { range -> PolicyValue in
            let (from, to) = portRange(range)
            return .map(["fromPort": from, "toPort": to])
        }
        return .map(["open": .bool(open), "ports": .list(ports), "protocol": fields["protocol"] ?? .null])
    }

    /// `22`, `"8000-8100"` or `"*"` as a (from, to) pair.
    static func portRange(_ value: PolicyValue) -> (PolicyValue, PolicyValue) {
        if let number = value.number { return (.number(number), .number(number)) }
        guard let text = value.string else { return (.unknown, .unknown) }
        if text == "*" { return (.number(0), .number(65_535)) }
        let bounds = text.split(separator: "-").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard bounds.count == 2 else { return (.unknown, .unknown) }
        return (.number(bounds[0]), .number(bounds[1]))
    }
}

import DharmaCore

/// Dharma's VMs on `bpg/proxmox`.
struct ProxmoxTerraform: TerraformProvider {
    let provider = ProviderName.proxmox
    let localName = "proxmox"
    let source = "bpg/proxmox"
    let versionConstraint = "~> 0.68"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        ["id": "proxmox_virtual_environment_vm.\(r.name).id", "privateIp": "proxmox_virtual_environment_vm.\(r.name).ipv4_addresses[1][0]"]
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        guard r.type == "compute.vm" else { throw .unsupported(r, "Terraform provider proxmox", Array(supportedTypes)) }
        return [
            resource(
                "proxmox_virtual_environment_vm", r.name,
                [
                    .attr("name", r.cloudName(c.stack.name)), .attr("node_name", r.region == "default" ? "pve" : r.region),
                    .attr("tags", .strings(["dharma", TerraformContext.label(c.stack.name)])),
                    .nested("cpu", [.attr("cores", max(1, Int((r.number("cpu") ?? 2).rounded(.up)))), .attr("type", "x86-64-v2-AES")]),
                    .nested("memory", [.attr("dedicated", r.mebibytes("memory") ?? 4096)]),
                    .nested("disk", [.attr("datastore_id", "local-lvm"), .attr("interface", "scsi0"), .attr("size", r.gibibytes("disk") ?? 20)]),
                    .nested("network_device", [.attr("bridge", "vmbr0")]),
                    .nested("agent", [.attr("enabled", true)]),
                ])
        ]
    }
}

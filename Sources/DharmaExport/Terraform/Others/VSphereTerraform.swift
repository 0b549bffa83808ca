import DharmaCore

/// Dharma's types on `hashicorp/vsphere` 2.x: VMs and disks in an existing datacenter that
/// the operator names through variables.
struct VSphereTerraform: TerraformProvider {
    let provider = ProviderName.vsphere
    let localName = "vsphere"
    let source = "hashicorp/vsphere"
    let versionConstraint = "~> 2.10"
    var supportedTypes: Set<String> { ResourceCatalog.types(offeredBy: provider) }

    func outputs(of r: ExportResource) -> [String: String] {
        r.type == "compute.vm"
            ? ["id": "vsphere_virtual_machine.\(r.name).id", "privateIp": "vsphere_virtual_machine.\(r.name).default_ip_address"]
            : ["id": "vsphere_virtual_disk.\(r.name).id"]
    }

    func blocks(for r: ExportResource, in c: TerraformContext) throws(ExportError) -> [HCLBlock] {
        switch r.type {
        case "compute.vm":
            return [
                resource(
                    "vsphere_virtual_machine", r.name,
                    [
                        .attr("name", r.cloudName(c.stack.name, limit: 80)), .ref("resource_pool_id", "data.vsphere_compute_cluster.dharma.resource_pool_id"),
                        .ref("datastore_id", "data.vsphere_datastore.dharma.id"),
                        .attr("num_cpus", max(1, Int((r.number("cpu") ?? 2).rounded(.up)))), .attr("memory", r.mebibytes("memory") ?? 4096),
                        .attr("guest_id", "ubuntu64Guest"), .attr("firmware", "efi"), .attr("efi_secure_boot_enabled", true),
                        .nested("network_interface", [.ref("network_id", "data.vsphere_network.dharma.id")]),
                        .nested("disk", [.attr("label", "disk0"), .attr("size", r.gibibytes("disk") ?? 20), .attr("thin_provisioned", true)]),
                    ])
            ]
        case "storage.volume":
            return [
                resource(
                    "vsphere_virtual_disk", r.name,
                    [
                        .attr("size", r.gibibytes("size") ?? 20),
                        .attr("vmdk_path", "dharma/\(c.stack.name)-\(r.name).vmdk"),
                        .ref("datacenter", "var.vsphere_datacenter"), .ref("datastore", "var.vsphere_datastore"),
                        .attr("type", "thin"),
                    ])
            ]
        default:
            throw .unsupported(r, "Terraform provider vsphere", Array(supportedTypes))
        }
    }

    func sharedBlocks(for resources: [ExportResource], stack: ExportStack, region: String) -> [HCLBlock] {
        guard !resources.isEmpty else { return [] }
        return [
            HCLBlock("variable", ["vsphere_datacenter"], [.attr("description", "datacenter name"), .ref("type", "string")]),
            HCLBlock("variable", ["vsphere_datastore"], [.attr("description", "datastore name"), .ref("type", "string")]),
            HCLBlock("variable", ["vsphere_cluster"], [.attr("description", "compute cluster name"), .ref("type", "string")]),
            HCLBlock("variable", ["vsphere_network"], [.attr("description", "port group name"), .ref("type", "string")]),
            HCLBlock("data", ["vsphere_datacenter", "dharma"], [.ref("name", "var.vsphere_datacenter")]),
            HCLBlock(
                "data", ["vsphere_datastore", "dharma"], [.ref("name", "var.vsphere_datastore"), .ref("datacenter_id", "data.vsphere_datacenter.dharma.id")]),
            HCLBlock(
                "data", ["vsphere_compute_cluster", "dharma"],
                [.ref("name", "var.vsphere_cluster"), .ref("datacenter_id", "data.vsphere_datacenter.dharma.id")]),
            HCLBlock(
                "data", ["vsphere_network", "dharma"], [.ref("name", "var.vsphere_network"), .ref("datacenter_id", "data.vsphere_datacenter.dharma.id")]),
        ]
    }
}

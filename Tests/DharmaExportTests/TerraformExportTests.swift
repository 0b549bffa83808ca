import DharmaCore
import Foundation
import Testing

@testable import DharmaExport

@Suite struct TerraformExportTests {
    @Test func threeTierOnAWSBecomesEncryptedTaggedResourcesWithTerraformReferences() throws {
        let files = try TerraformExporter().export(exportStack(path: example("aws-3tier.yaml")))
        #expect(files.map(\.path) == ["main.tf", "variables.tf", "outputs.tf"])
        let main = text(files, "main.tf")
        #expect(main.contains("required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.80\""))
        #expect(main.contains("resource \"aws_db_instance\" \"db\" {"))
        #expect(main.contains("storage_encrypted                   = true"))
        #expect(main.contains("multi_az                            = true"))
        #expect(main.contains("allocated_storage                   = 100"), "100Gi from the variable's value becomes 100 GB")
        #expect(main.contains("desired_count   = var.web_replicas"), "a variable passed through stays a Terraform variable")
        #expect(main.contains("aws_db_instance.db.address"), "${db.endpoint} becomes the RDS address attribute")
        #expect(main.contains("resource \"aws_s3_bucket_public_access_block\" \"assets\""))
        #expect(main.contains("\"cost-center\" = \"4711\""), "blueprint labels become tags")
        #expect(main.contains("owner         = \"team-payments\""))
        #expect(text(files, "variables.tf").contains("variable \"web_replicas\" {\n  type    = number\n  default = 3\n}"))
        #expect(text(files, "outputs.tf").contains("value = \"https://${aws_lb.lb.dns_name}\""))
    }

    @Test func exportIsDeterministic() throws {
        let first = try TerraformExporter().export(exportStack(path: example("multicloud.yaml")))
        let second = try TerraformExporter().export(exportStack(path: example("multicloud.yaml")))
        #expect(first == second)
    }

    @Test func multiCloudBlueprintDeclaresEveryProviderItUses() throws {
        let main = text(try TerraformExporter().export(exportStack(path: example("multicloud.yaml"))), "main.tf")
        for source in ["hashicorp/aws", "hashicorp/azurerm", "hashicorp/google", "Snowflake-Labs/snowflake"] {
            #expect(main.contains("source  = \"\(source)\""), "\(source) missing")
        }
        #expect(main.contains("resource \"snowflake_warehouse\" \"warehouse\""))
        #expect(main.contains("resource \"azurerm_container_app\" \"api\""))
        #expect(main.contains("resource \"google_cloudfunctions2_function\" \"ingest\""))
    }

    @Test func aSecondRegionOfOneProviderGetsAnAliasedProviderBlock() throws {
        let stack = try exportStack(
            yaml: """
                apiVersion: dharma.dev/v3
                kind: Blueprint
                metadata: {name: two}
                target: {provider: aws, region: eu-west-1}
                resources:
                  near: {type: queue.topic}
                  far: {type: queue.topic, region: us-east-1}
                """)
        let main = text(try TerraformExporter().export(stack), "main.tf")
        #expect(main.contains("provider \"aws\" {\n  alias  = \"us_east_1\"\n  region = \"us-east-1\"\n}"))
        #expect(main.contains("resource \"aws_sns_topic\" \"far\" {\n  provider          = aws.us_east_1"))
    }

    @Test func aTypeTheProviderCannotExpressIsAnErrorNamingBoth() throws {
        let stack = try exportStack(
            yaml: """
                apiVersion: dharma.dev/v3
                kind: Blueprint
                metadata: {name: pve}
                target: {provider: aws, region: us-east-1}
                resources:
                  disk: {type: storage.volume, properties: {size: 10Gi}}
                """, provider: .proxmox)
        #expect {
            try TerraformExporter().export(stack)
        } throws: { error in
            let message = "\(error)"
            return message.contains("`disk`") && message.contains("proxmox") && message.contains("storage.volume") && message.contains("compute.vm")
        }
    }

    @Test func everyProviderMappingProducesFilesForEachTypeItClaims() throws {
        for mapping in TerraformExporter.mappings.values {
            let yaml = blueprint(provider: mapping.provider, region: ProviderDefaults.region(for: mapping.provider), types: Array(mapping.supportedTypes))
            let files = try TerraformExporter().export(exportStack(yaml: yaml))
            let main = text(files, "main.tf")
            #expect(main.contains("source  = \"\(mapping.source)\""))
            #expect(main.components(separatedBy: "\nresource \"").count - 1 >= mapping.supportedTypes.count, "\(mapping.localName)")
        }
    }
}

@Suite("Export: copies made by count and forEach")
struct RepetitionExportTests {
    let yaml = """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: fleet, owner: team-a}
        target: {provider: aws, region: eu-west-1}
        resources:
          net: {type: network.vpc, properties: {cidr: 10.0.0.0/16}}
          subnet: {type: network.subnet, forEach: {a: 10.0.1.0/24, b: 10.0.2.0/24}, properties: {vpc: "${net.id}", cidr: "${self.value}", zone: "eu-west-1${self.key}"}}
          app: {type: compute.vm, count: 2, properties: {image: ubuntu-24.04, cpu: 2, memory: 4Gi, subnet: "${subnet[\\"b\\"].id}"}}
        outputs:
          ips: "${app[*].privateIp}"
        """

    func prepared() throws -> PreparedBlueprint {
        let path = scratchDirectory() + "/fleet.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try PreparedBlueprint.prepare(path: path, environment: nil, variables: [:])
    }

    @Test("every copy is a resource of its own in each format, named as identifiers allow, and references reach the right copy")
    func copies() throws {
        let prepared = try prepared()
        let stack = ExportStack(blueprint: prepared.blueprint, variables: prepared.variables)
        #expect(stack.resources.map(\.name) == ["net", "subnet-a", "subnet-b", "app-0", "app-1"])
        let terraform = text(try ExportFormat.terraform.export(stack), "main.tf")
        #expect(terraform.contains(#"resource "aws_instance" "app-1" {"#))
        #expect(terraform.components(separatedBy: "subnet_id                   = aws_subnet.subnet-b.id").count == 3)
        #expect(terraform.contains(#"cidr_block                                     = "10.0.2.0/24""#) || terraform.contains("10.0.2.0/24"))
        let outputs = text(try ExportFormat.terraform.export(stack), "outputs.tf")
        #expect(outputs.contains("[aws_instance.app-0.private_ip, aws_instance.app-1.private_ip]"), "\(outputs)")
        let template = text(try ExportFormat.cloudformation.export(stack), "template.yaml")
        #expect(template.contains("  App0:") && template.contains("  SubnetB:") && template.contains("Fn::Join"))
    }
}

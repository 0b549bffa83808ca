import Foundation
import Testing

@testable import DharmaPolicy

@Suite struct HCLParserTests {
    @Test func parsesBlocksAttributesAndTheExpressionForms() throws {
        let file = try HCLParser.parse(
            #"""
            # comment
            variable "port" { default = 22 }
            locals {
              cidrs = ["0.0.0.0/0", "10.0.0.0/8"] // trailing comment
              name  = "web-${var.port}"
              tags  = { Name = "x", "cost-center" : 4711 }
              picked = var.port > 1024 ? "high" : "low"
              upper = [for c in local.cidrs : upper(c) if c != "10.0.0.0/8"]
              byKey = { for k, v in local.tags : k => v }
              doc = <<-EOT
                {"a": "${var.port}"}
                EOT
            }
            resource "aws_security_group" "web" {
              ingress {
                from_port   = var.port
                cidr_blocks = local.cidrs
              }
              depends_on = [aws_vpc.main]
              ids = aws_subnet.private[*].id
            }
            """#, path: "main.tf")
        #expect(file.body.blocks.map(\.type) == ["variable", "locals", "resource"])
        let resource = file.body.blocks[2]
        #expect(resource.labels == ["aws_security_group", "web"])
        #expect(resource.line == 14)
        #expect(resource.body.blocks.first?.type == "ingress")
        let module = TerraformLoader().loadModule(files: [])
        #expect(module.resources.isEmpty)
    }

    @Test func evaluatesVariablesLocalsFunctionsAndReferences() throws {
        let directory = try tree([
            "main.tf": #"""
            variable "port" { default = 22 }
            variable "unset" {}
            locals {
              cidrs = ["0.0.0.0/0"]
              policy = jsonencode({ Statement = [{ Action = "*", Effect = "Allow" }] })
            }
            resource "aws_security_group" "web" {
              name = "sg-${var.port}"
              unknown = var.unset
              policy = local.policy
              vpc_id = aws_vpc.main.id
              ingress {
                from_port   = var.port
                cidr_blocks = concat(local.cidrs, ["10.0.0.0/8"])
              }
              dynamic "egress" {
                for_each = { a = 80, b = 443 }
                content { to_port = egress.value }
              }
            }
            resource "aws_s3_bucket" "each" {
              for_each = toset(["logs", "data"])
              bucket = "b-${each.key}"
            }
            resource "aws_instance" "many" {
              count = 2
              tags  = { index = count.index }
            }
            """#
        ])
        let result = TerraformLoader().load(directory: directory)
        #expect(result.problems.isEmpty)
        let web = try #require(result.resources.first { $0.address == "aws_security_group.web" })
        #expect(web["name"] == .string("sg-22"))
        #expect(web["unknown"] == .reference(address: "var.unset", attribute: ""), "an unset variable keeps its name, unresolved")
        #expect(web["vpc_id"] == .reference(address: "aws_vpc.main", attribute: "id"))
        #expect(web["policy"] == .string(#"{"Statement":[{"Action":"*","Effect":"Allow"}]}"#))
        #expect(web["ingress"]?.list?.first?["cidr_blocks"] == .list([.string("0.0.0.0/0"), .string("10.0.0.0/8")]))
        #expect(web["egress"]?.list?.compactMap { $0["to_port"]?.number } == [80, 443])
        #expect(
            Set(result.resources.map(\.address)).isSuperset(of: [
                "aws_s3_bucket.each[\"logs\"]", "aws_s3_bucket.each[\"data\"]",
                "aws_instance.many[0]", "aws_instance.many[1]",
            ]))
    }

    @Test func badFilesAreReportedWithTheirLineAndTheScanGoesOn() throws {
        let directory = try tree([
            "good.tf": "resource \"aws_s3_bucket\" \"ok\" {\n  bucket = \"x\"\n}\n",
            "broken.tf": "resource \"aws_s3_bucket\" \"bad\" {\n  bucket = \n}\n",
            "open.tf": "resource \"aws_s3_bucket\" \"open\" {\n  bucket = \"x\"\n",
            "deep.tf": "locals {\n  x = " + String(repeating: "[", count: 5000) + "\n}\n",
        ])
        try Data([0x00, 0xFF, 0x13, 0x37, 0x00]).write(to: URL(fileURLWithPath: directory + "/junk.tf"))
        let result = TerraformLoader().load(directory: directory)
        #expect(result.resources.map(\.address) == ["aws_s3_bucket.ok"])
        #expect(result.problems.count == 4)
        let broken = try #require(result.problems.first { $0.file.hasSuffix("broken.tf") })
        #expect(broken.line == 2 || broken.line == 3, "\(broken)")
        #expect(result.problems.contains { $0.file.hasSuffix("deep.tf") && $0.message.contains("nesting") })
        #expect(result.problems.contains { $0.file.hasSuffix("junk.tf") && $0.message.contains("UTF-8") })
    }

    @Test func everyCheckovFixtureAndEveryExportedConfigurationParses() throws {
        let fixtures = TerraformLoader().load(directory: checkovFixtures)
        #expect(fixtures.files >= 17)
        #expect(fixtures.problems.isEmpty, "\(fixtures.problems)")
        #expect(fixtures.resources.count > 150)
    }
}

import Testing

@testable import DharmaExport

@Suite struct HCLWriterTests {
    @Test func alignsRunsOfOneLineAttributesAndBreaksAtMultiLineValues() {
        let block = HCLBlock(
            "resource", ["aws_vpc", "main"],
            [
                .attr("cidr_block", "10.0.0.0/16"),
                .attr("enable_dns_hostnames", true),
                .attr("tags", .sortedObject(["Name": .string("main"), "cost-center": .string("4711")])),
                .nested("timeouts", [.attr("create", "5m")]),
                .ref("id_ref", "aws_vpc.other.id"),
            ])
        #expect(
            HCLWriter.file([block]) == """
                resource "aws_vpc" "main" {
                  cidr_block           = "10.0.0.0/16"
                  enable_dns_hostnames = true
                  tags = {
                    Name          = "main"
                    "cost-center" = "4711"
                  }

                  timeouts {
                    create = "5m"
                  }

                  id_ref = aws_vpc.other.id
                }

                """)
    }

    @Test func escapesTemplateSequencesAndQuotes() {
        #expect(HCLWriter.expression(.string("cost ${x} %{if} \"q\" \\ \n"), indent: 0) == #""cost $${x} %%{if} \"q\" \\ \n""#)
        #expect(
            HCLWriter.expression(.template([.string("https://"), .traversal("aws_lb.lb.dns_name"), .string("/x")]), indent: 0)
                == #""https://${aws_lb.lb.dns_name}/x""#)
        #expect(HCLWriter.expression(.template([.traversal("var.a")]), indent: 0) == "var.a")
    }

    @Test func longListsGoOnePerLine() {
        let items = (1...12).map { HCL.string("subnet-0000000\($0)") }
        let text = HCLWriter.expression(.list(items), indent: 1)
        #expect(text.hasPrefix("[\n    \"subnet-00000001\",\n"))
        #expect(text.hasSuffix("  ]"))
        #expect(HCLWriter.expression(.strings(["a", "b"]), indent: 0) == #"["a", "b"]"#)
    }
}

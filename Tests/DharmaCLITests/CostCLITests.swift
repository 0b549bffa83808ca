import DharmaTestKit
import Foundation
import Testing

@Suite struct CostCLITests {
    /// The three-tier example with a budget, in a scratch directory.
    func budgetedBlueprint(monthly: Int) throws -> (String, String) {
        let directory = scratchDirectory()
        var text = try String(contentsOfFile: TestPaths.repository + "/examples/aws-3tier.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "  owner: team-payments\n", with: "  owner: team-payments\n  budget: {monthly: \(monthly), currency: USD}\n")
        let path = directory + "/shop.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    @Test func costPrintsEveryResourceWithDollarsCarbonAndAssumptions() throws {
        let result = try dharma(["cost", TestPaths.repository + "/examples/aws-3tier.yaml", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        let resources = report["resources"] as? [[String: Any]] ?? []
        #expect(resources.count == 14)
        let db = resources.first { $0["name"] as? String == "db" } ?? [:]
        #expect(db["choice"] as? String == "db.m6g.large (HA)")
        #expect((db["monthly"] as? Double ?? 0) > 250)
        #expect((db["carbonKgPerMonth"] as? Double ?? 0) > 0)
        #expect((db["lines"] as? [[String: Any]])?.first?["source"] as? String != nil)
        #expect((report["monthly"] as? Double ?? 0) > 400)
        let text = try dharma(["cost", TestPaths.repository + "/examples/aws-3tier.yaml"])
        #expect(text.stdout.contains("kgCO2e/MONTH") && text.stdout.contains("TOTAL"))
    }

    @Test func planShowsTheCostDeltaAndFailsWithThreeOverBudget() throws {
        let (directory, path) = try budgetedBlueprint(monthly: 100)
        let over = try dharma(["plan", path, "--state", directory + "/state.db"])
        #expect(over.status == 3, "\(over.stdout)\(over.stderr)")
        #expect(over.stdout.contains("Cost: $0.00 → $"))
        #expect(over.stdout.contains("kgCO2e/month"))
        #expect(over.stderr.contains("over the budget of $100.00"))
        let (roomy, roomyPath) = try budgetedBlueprint(monthly: 5000)
        let within = try dharma(["plan", roomyPath, "--state", roomy + "/state.db"])
        #expect(within.status == 4, "changes present, within budget: \(within.stderr)")
        #expect(within.stdout.contains("Public by request: public-a (public: true)"))
    }

    @Test func aUsageFileWithAWrongTypeNamesFileLineAndField() throws {
        let directory = scratchDirectory()
        try "resources:\n  assets:\n    storageGB: lots\n".write(toFile: directory + "/usage.yaml", atomically: true, encoding: .utf8)
        let result = try dharma(["cost", TestPaths.repository + "/examples/aws-3tier.yaml", "--usage", directory + "/usage.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("usage.yaml:3:5"), "\(result.stderr)")
        #expect(result.stderr.contains("storageGB"))
        try "resources:\n  asets: {storageGB: 10}\n".write(toFile: directory + "/typo.yaml", atomically: true, encoding: .utf8)
        let typo = try dharma(["cost", TestPaths.repository + "/examples/aws-3tier.yaml", "--usage", directory + "/typo.yaml"])
        #expect(typo.status == 2 && typo.stderr.contains("assets"), "\(typo.stderr)")
    }

    @Test func exportRejectsUnknownFormatsAndProvidersWithSuggestions() throws {
        let directory = scratchDirectory()
        let format = try dharma(["export", TestPaths.repository + "/examples/aws-3tier.yaml", "--format", "terraform2", "--out", directory])
        #expect(format.status == 2 && format.stderr.contains("terraform"), "\(format.stderr)")
        let provider = try dharma([
            "export", TestPaths.repository + "/examples/aws-3tier.yaml", "--format", "terraform", "--provider", "azur", "--out", directory,
        ])
        #expect(provider.status == 2 && provider.stderr.contains("azure"), "\(provider.stderr)")
        let written = try dharma(["export", TestPaths.repository + "/examples/aws-3tier.yaml", "--format", "cloudformation", "--out", directory, "--json"])
        #expect(written.status == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/template.yaml"))
    }
}

@Suite struct ExportSizingCLITests {
    @Test func exportDeploysTheInstanceTypeThatCostPriced() throws {
        let directory = scratchDirectory()
        let path = directory + "/vm.yaml"
        try """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: vm}
        target: {provider: gcp, region: europe-west1}
        resources:
          batch: {type: compute.vm, properties: {image: ubuntu-24.04, cpu: 4, memory: 16Gi}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let cost = try json(try dharma(["cost", path, "--json"]).stdout)
        let choice = ((cost["resources"] as? [[String: Any]])?.first?["choice"] as? String ?? "").split(separator: " ").first.map(String.init) ?? ""
        #expect(!choice.isEmpty)
        let export = try dharma(["export", path, "--format", "terraform", "--out", directory + "/tf"])
        #expect(export.status == 0, "\(export.stderr)")
        let main = try String(contentsOfFile: directory + "/tf/main.tf", encoding: .utf8)
        let line = main.split(separator: "\n").first { $0.contains("machine_type") } ?? ""
        #expect(line.hasSuffix("= \"\(choice)\""), "cost chose \(choice); export wrote \(line)")
    }
}

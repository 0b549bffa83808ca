import DharmaCore
import Foundation
import Testing

@testable import DharmaPolicy

/// Checkov's own fixtures (../shared/data/checkov-fixtures): for each mapped check, `dharma
/// scan`'s rule must pass and fail exactly the resources Checkov's tests expect.
@Suite struct CheckovFixtureTests {
    struct Expected: Decodable {
        var check_id: String
        var passed: [String]
        var failed: [String]
        var supported_resources: [String]?
        var resource_types_mentioned_in_policy: [String]?
    }

    static let fixtures: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: checkovFixtures)) ?? [])
        .filter { FileManager.default.fileExists(atPath: checkovFixtures + "/" + $0 + "/expected.json") }.sorted()

    @Test func allSeventeenFixturesArePresent() {
        #expect(Self.fixtures.count == 17)
    }

    @Test(arguments: fixtures)
    func verdictsMatchCheckov(fixture: String) throws {
        let directory = checkovFixtures + "/" + fixture
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json")))
        let rules = try RuleLoader.builtIn()
        let rule = try #require(rules.first { $0.equivalents.contains(expected.check_id) }, "no rule maps \(expected.check_id)")
        let types = Set(expected.supported_resources ?? expected.resource_types_mentioned_in_policy ?? [])
        let loaded = TerraformLoader().load(directory: directory)
        #expect(loaded.problems.isEmpty)
        let model = TerraformAdapter.model(loaded.resources).filter { types.isEmpty || types.contains($0.nativeType) }
        let findings = PolicyEngine(rules: [rule]).evaluate(model, today: "2026-01-01")
        let passed = Set(findings.filter { $0.verdict == .pass }.map(\.resource.address))
        let failed = Set(findings.filter { $0.verdict == .fail }.map(\.resource.address))
        #expect(
            passed == Set(expected.passed),
            "\(expected.check_id) passed: extra \(passed.subtracting(expected.passed).sorted()), missing \(Set(expected.passed).subtracting(passed).sorted())")
        #expect(
            failed == Set(expected.failed),
            "\(expected.check_id) failed: extra \(failed.subtracting(expected.failed).sorted()), missing \(Set(expected.failed).subtracting(failed).sorted())")
    }
}

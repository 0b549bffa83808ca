import DharmaCore
import Foundation
import Testing

@testable import DharmaPolicy

func truth(_ text: String, _ properties: [String: PolicyValue]) throws -> Bool? {
    ExpressionEvaluator(scopes: [properties]).truth(try PolicyExpression.parse(text))
}

@Suite struct PolicyLanguageTests {
    @Test func comparisonsUnitsListsRegexAndQuantifiers() throws {
        let properties: [String: PolicyValue] = [
            "retention": .string("14d"), "size": .number(10 * 1_073_741_824), "engine": .string("postgres"), "name": .string("web-1"),
            "ingress": .list([
                .map(["open": .bool(false), "ports": .list([.map(["fromPort": .number(443), "toPort": .number(443)])])]),
                .map(["open": .bool(true), "ports": .list([.map(["fromPort": .number(20), "toPort": .number(25)])])]),
            ]),
            "tags": .map(["owner": .string("team")]),
        ]
        #expect(try truth("retention >= 7d && retention < 30d", properties) == true)
        #expect(try truth("size > 4Gi", properties) == true)
        #expect(try truth(#"engine in ["postgres", "mysql"] && engine not in ["oracle"]"#, properties) == true)
        #expect(try truth(#"name matches "^[a-z]+-[0-9]$""#, properties) == true)
        #expect(try truth("any(ingress, open && any(ports, fromPort <= 22 && toPort >= 22))", properties) == true)
        #expect(try truth("all(ingress, open)", properties) == false)
        #expect(try truth("exists(tags.owner) && !exists(tags.cost)", properties) == true)
        #expect(try truth("count(ingress) == 2", properties) == true)
    }

    @Test func unknownValuesGiveUnknownNotAGuess() throws {
        let properties: [String: PolicyValue] = ["encrypted": .unknown, "public": .bool(false)]
        #expect(try truth("encrypted == true", properties) == nil)
        #expect(try truth("encrypted == true || public == false", properties) == true)
        #expect(try truth("encrypted == true && public == true", properties) == false)
    }

    @Test func syntaxErrorsSayWhere() {
        #expect(throws: PolicyExpression.SyntaxError.self) { try PolicyExpression.parse("encrypted == ") }
        do {
            _ = try PolicyExpression.parse("lenght(x) > 1")
            Issue.record("an unknown function parsed")
        } catch {
            #expect(error.message.contains("unknown function `lenght`") && error.offset == 6)
        }
    }

    @Test func theBuiltInPackHasEightFrameworksAndCheckovEquivalents() throws {
        let rules = try RuleLoader.builtIn()
        #expect(rules.count >= 90)
        #expect(Set(rules.map(\.id)).count == rules.count)
        for framework in Framework.allCases {
            #expect(rules.filter { !($0.frameworks[framework.rawValue] ?? []).isEmpty }.count >= 20, "\(framework)")
        }
        #expect(rules.filter { !$0.equivalents.isEmpty }.count >= 40)
    }

    @Test func teamRuleFilesWithMistakesGetFileLineErrors() throws {
        let directory = try tree([
            "policies/team.yaml": """
            rules:
              - id: TEAM-1
                title: Buckets are versioned
                severity: high
                kinds: [storage.bucket]
                assert: "versioning == true"
              - id: TEAM-2
                title: Typo in a property
                severity: medium
                kinds: [database]
                assert: "encryptd == true"
              - id: TEAM-3
                title: Bad severity
                severity: urgent
                kinds: [database]
                assert: "encrypted == true"
              - id: TEAM-4
                title: Broken expression
                severity: low
                kinds: [database]
                assert: "encrypted =="
                colour: blue
            """
        ])
        let (rules, problems) = RuleLoader.load(directory: directory + "/policies")
        #expect(rules.map(\.id) == ["TEAM-1"])
        #expect(problems.count == 3)
        let typo = try #require(problems.first { $0.message.contains("encryptd") })
        #expect(typo.location.line == 11 && typo.message.contains("encrypted"), "\(typo)")
        #expect(problems.contains { $0.location.line == 14 && $0.message.contains("urgent") })
        #expect(problems.contains { $0.location.line == 22 && $0.message.contains("colour") })
    }

    @Test func waiversApplyUntilTheyExpire() throws {
        let rule = try #require(try RuleLoader.builtIn().first { $0.id == "DH-DB-PUBLIC" })
        let database = PolicyResource(
            address: "db", nativeType: "database.postgres", kind: "database", provider: "aws", file: "b.yaml", line: 3,
            properties: ["public": .bool(true)])
        let waiver = Waiver(rule: "DH-DB-PUBLIC", resource: "db", justification: "demo", expires: "2026-12-31", approver: "alice")
        let before = PolicyEngine(rules: [rule], waivers: [waiver]).evaluate([database], today: "2026-12-31")
        #expect(before.first?.verdict == .fail && before.first?.waiver == waiver)
        let after = PolicyEngine(rules: [rule], waivers: [waiver]).evaluate([database], today: "2027-01-01")
        #expect(after.first?.waiver == nil)
        let report = PolicyReport(findings: after, problems: [], files: 1, resources: 1)
        #expect(report.failures.count == 1)
    }
}

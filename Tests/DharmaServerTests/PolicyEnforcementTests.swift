import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import Testing

/// Policy enforcement levels per organisation, as Terraform Cloud's policy sets have them:
/// advisory findings only show, soft-mandatory failures hold a run until an approver overrides
/// them with a reason, hard-mandatory failures error it.
@Suite("Server: policy enforcement levels", .serialized)
struct PolicyEnforcementTests {
    /// A public bucket (DH-BKT-PUBLIC, high, in HIPAA among others) without versioning
    /// (DH-BKT-VERSIONING, medium), judged at `failOn: medium`.
    static let blueprint = """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop, environment: dev}
        target: {provider: local, region: local-1}
        policy: {failOn: medium}
        resources:
          uploads:
            type: storage.bucket
            properties: {path: data/uploads, public: true, versioning: false}
        """

    @Test("advisory passes, soft-mandatory waits in policy_override until an approver overrides it (audited), hard-mandatory errors")
    func levels() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: Self.blueprint)
        let soft = Components.Schemas.PolicyEnforcement(
            defaultLevel: .hardMandatory, rules: .init(additionalProperties: ["DH-BKT-VERSIONING": .advisory]),
            frameworks: .init(additionalProperties: ["hipaa": .softMandatory]))

        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            let before = try await admin.api.getPolicyEnforcement(path: .init(org: "acme")).ok.body.json
            #expect(before.defaultLevel == .hardMandatory && (before.rules?.additionalProperties ?? [:]).isEmpty, "nothing set: every rule hard-mandatory")
            let unknown = try await admin.api.setPolicyEnforcement(
                path: .init(org: "acme"), body: .json(.init(defaultLevel: .advisory, rules: .init(additionalProperties: ["DH-NOPE": .advisory]))))
            #expect(AuthorisationTests.status(unknown) == 422, "an unknown rule is refused")
            let set = try await admin.api.setPolicyEnforcement(path: .init(org: "acme"), body: .json(soft)).ok.body.json
            #expect(set == soft)
        }
        try await server.withClient(token: tenants.tokens["operator-user"]) { operatorClient in
            let refused = try await operatorClient.api.setPolicyEnforcement(path: .init(org: "acme"), body: .json(.init(defaultLevel: .advisory)))
            #expect(AuthorisationTests.status(refused) == 403, "only admins set enforcement")

            let held = try await RunTests.waitForRun(
                try await RunTests.queue(.apply, "shop.dev", on: operatorClient).id, to: [.policyOverride, .errored, .applied], on: operatorClient)
            #expect(held.state == .policyOverride, "\(held.error ?? "")")
            #expect(held.policyOverridable == ["DH-BKT-PUBLIC"], "the advisory versioning rule does not hold the run")
            #expect(held.policyVerdict?.contains("soft-mandatory") == true, "\(held.policyVerdict ?? "")")
            let findings = held.policyFindings ?? []
            #expect(
                Array(findings.map(\.rule).prefix(2)) == ["DH-BKT-PUBLIC", "DH-BKT-VERSIONING"] && findings.contains { $0.rule == "DH-TAG-OWNER" }
                    && findings.allSatisfy { !$0.remediation.isEmpty } && findings[0].resource == "uploads",
                "every failed check (below failOn too) with its resource and how to fix it, most severe first: \(findings)")
            #expect(held.monthlyCost != nil && held.monthlyCostDelta == held.monthlyCost, "a first plan's cost is all new: \(held)")
            #expect(!FileManager.default.fileExists(atPath: server.data + "/orgs/acme/stacks/shop.dev/data/uploads"), "nothing applied while held")

            let byOperator = try await operatorClient.api.overrideRunPolicy(
                path: .init(org: "acme", run: held.id), body: .json(.init(reason: "mine")))
            #expect(AuthorisationTests.status(byOperator) == 403, "operators cannot override")
            try await server.withClient(token: tenants.tokens["outsider"]) { outsider in
                let across = try await outsider.api.overrideRunPolicy(path: .init(org: "acme", run: held.id), body: .json(.init(reason: "x")))
                #expect(AuthorisationTests.status(across) == 404)
            }

            try await server.withClient(token: tenants.tokens["approver-user"]) { approver in
                let blank = try await approver.api.overrideRunPolicy(path: .init(org: "acme", run: held.id), body: .json(.init(reason: "  ")))
                #expect(AuthorisationTests.status(blank) == 422, "an override needs a reason")
                let overridden = try await approver.api.overrideRunPolicy(
                    path: .init(org: "acme", run: held.id), body: .json(.init(reason: "public downloads, CHG-9"))
                ).ok.body.json
                #expect(overridden.state == .planning, "an overridden run plans again at once")
                #expect(overridden.policyOverride?.by == "approver-user")
                #expect(overridden.policyOverride?.rules == ["DH-BKT-PUBLIC"])
            }
            let applied = try await RunTests.waitForRun(held.id, to: [.applied, .errored, .policyOverride], on: operatorClient)
            #expect(applied.state == .applied, "\(applied.error ?? "")")
            #expect(FileManager.default.fileExists(atPath: server.data + "/orgs/acme/stacks/shop.dev/data/uploads"))

            let entries = try await operatorClient.api.listAuditEntries(path: .init(org: "acme")).ok.body.json.items
            let overrides = entries.filter { $0.action == "policy-override" }
            #expect(overrides.count == 2, "the decision, then the apply it let through: \(overrides.map(\.reason))")
            #expect(overrides.allSatisfy { $0.reason.contains("public downloads, CHG-9") && $0.reason.contains("DH-BKT-PUBLIC") })
            #expect(entries.contains { $0.action == "policy-enforcement-set" && $0.actor == "admin-user" })
        }

        try await server.withClient(token: tenants.tokens["admin-user"]) { admin in
            var hard = soft
            hard.rules?.additionalProperties["DH-BKT-PUBLIC"] = .hardMandatory
            _ = try await admin.api.setPolicyEnforcement(path: .init(org: "acme"), body: .json(hard)).ok
            let errored = try await RunTests.waitForRun(
                try await RunTests.queue(.apply, "shop.dev", on: admin).id, to: [.policyOverride, .errored, .applied, .plannedAndFinished], on: admin)
            #expect(errored.state == .errored, "a rule's own level wins over its frameworks'")
            #expect(errored.policyVerdict?.contains("DH-BKT-PUBLIC") == true, "\(errored.policyVerdict ?? "")")
            let late = try await admin.api.overrideRunPolicy(path: .init(org: "acme", run: errored.id), body: .json(.init(reason: "too late")))
            #expect(AuthorisationTests.status(late) == 409, "only a held run can be overridden")
        }
    }
}

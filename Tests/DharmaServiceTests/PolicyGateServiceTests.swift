import DharmaCore
import DharmaPolicy
import DharmaService
import Foundation
import Testing

@Suite("Service: the policy gate on plan and apply")
struct PolicyGateServiceTests {
    @Test("the blueprint's policy.failOn refuses an apply before anything changes, naming the rule; --fail-on overrides it")
    func blueprintThreshold() async throws {
        let workspace = try Workspace(fileStack(owner: nil, extra: "policy: {failOn: high}"))
        try workspace.rule("TEAM-OWNER", kinds: "stack", assert: "exists(owner)")
        let service = StackService()
        let pending = try await service.prepareApply(.init(source: .blueprint(workspace.input)))
        #expect(pending.verdict.ruleIDs == ["TEAM-OWNER"])
        await #expect { try await service.apply(pending) } throws: { error in
            guard case ServiceError.policyViolation(let message) = error else { return false }
            return message.contains("TEAM-OWNER on stack.files") && message.contains("at or above high")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.directory + "/note.txt"), "nothing was applied")

        // A higher threshold given by the caller lets the high finding through.
        let lenient = try await service.prepareApply(.init(source: .blueprint(workspace.input), policy: PolicySettings(failOn: .critical)))
        #expect(!lenient.verdict.isRefused)
        let report = try await service.apply(lenient)
        #expect(report.ok && FileManager.default.fileExists(atPath: workspace.directory + "/note.txt"))
    }

    @Test("plan reports the verdict and enforce refuses with the rule; validate does the same")
    func planAndValidate() async throws {
        let workspace = try Workspace(fileStack(owner: nil, extra: "policy: {failOn: medium}"))
        try workspace.rule("TEAM-OWNER", severity: "medium", kinds: "stack", assert: "exists(owner)")
        let outcome = try await StackService().plan(.init(blueprint: workspace.input))
        #expect(outcome.plan.hasChanges && outcome.verdict.ruleIDs == ["TEAM-OWNER"])
        #expect(throws: ServiceError.self) { try outcome.enforce() }
        let validation = try StackService().validate([workspace.blueprint], policy: PolicySettings())
        #expect(validation.valid && validation.verdicts.first?.isRefused == true)
    }

    @Test("a blueprint whose policy.failOn is not a severity is invalid, with a did-you-mean")
    func badThreshold() throws {
        let workspace = try Workspace(fileStack(extra: "policy: {failOn: higth}"))
        let validation = try StackService().validate([workspace.blueprint], policy: PolicySettings())
        #expect(!validation.valid)
        let diagnostic = try #require(validation.diagnostics.first)
        #expect(diagnostic.message.contains("`policy.failOn` is `higth`") && diagnostic.location?.line == 5)
        #expect(diagnostic.hint?.contains("high") == true)
    }
}

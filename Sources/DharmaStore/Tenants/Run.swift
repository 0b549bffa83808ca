import DharmaCore

/// A run's place in its life, named as Terraform Cloud names them.
public enum RunState: String, Sendable, Codable, Hashable, CaseIterable {
    case pending, planning, planned
    case policyChecked = "policy_checked"
    /// Soft-mandatory policy failures hold the run until an approver overrides them.
    case policyOverride = "policy_override"
    case costEstimated = "cost_estimated"
    case needsApproval = "needs_approval"
    case applying, applied
    /// A plan-only run, or a run whose plan changes nothing, ends here.
    case plannedAndFinished = "planned_and_finished"
    case errored, discarded, canceled

    /// Nothing more happens to a run in one of these.
    public var isFinal: Bool {
        switch self {
        case .applied, .plannedAndFinished, .errored, .discarded, .canceled: true
        default: false
        }
    }
}

public enum RunKind: String, Sendable, Codable, Hashable, CaseIterable {
    case apply, destroy
    /// A speculative plan: priced and checked, never applied.
    case planOnly = "plan_only"
}

public struct PlanCounts: Sendable, Codable, Hashable {
    public var create: Int
    public var update: Int
    public var replace: Int
    public var delete: Int

    public init(create: Int, update: Int, replace: Int, delete: Int) {
        self.create = create
        self.update = update
        self.replace = replace
        self.delete = delete
    }
}

public struct Run: Sendable, Codable, Hashable {
    public var id: String
    public var organisation: String
    public var stack: StackID
    public var kind: RunKind
    public var state: RunState
    public var actor: String
    public var message: String?
    public var blueprintVersion: Int
    public var createdAt: Double
    public var updatedAt: Double
    public var plan: PlanCounts?
    public var monthlyCost: Double?
    /// How much the plan changes the monthly cost, and the carbon (kg CO2e a month) after it
    /// and its change.
    public var monthlyCostDelta: Double?
    public var monthlyCarbonKg: Double?
    public var monthlyCarbonDeltaKg: Double?
    /// The failed checks on the plan, waived ones included, most severe first.
    public var policyFindings: [RunPolicyFinding]?
    /// Why the policy gate refused or held the run, when it did.
    public var policyVerdict: String?
    /// The soft-mandatory rules holding the run while it waits for an override.
    public var policyOverridable: [String]?
    /// The approver's override of soft-mandatory failures, once given.
    public var policyOverride: PolicyOverride?
    /// Approvers the blueprint requires who have not approved yet.
    public var approvalsMissing: [String]
    public var error: String?
    /// Who approved, discarded or canceled it.
    public var decidedBy: String?
    /// The state version its apply made.
    public var stateVersion: Int?

    public init(
        id: String, organisation: String, stack: StackID, kind: RunKind, state: RunState = .pending, actor: String, message: String?,
        blueprintVersion: Int, createdAt: Double
    ) {
        self.id = id
        self.organisation = organisation
        self.stack = stack
        self.kind = kind
        self.state = state
        self.actor = actor
        self.message = message
        self.blueprintVersion = blueprintVersion
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.approvalsMissing = []
    }
}

public struct RunLogLine: Sendable, Codable, Hashable {
    public var index: Int
    public var time: Double
    public var text: String

    public init(index: Int, time: Double, text: String) {
        self.index = index
        self.time = time
        self.text = text
    }
}

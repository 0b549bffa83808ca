import DharmaAudit
import DharmaEngine
import DharmaSecurity

/// `dharma approve`: an approver signs a saved plan's hash with their keys, recorded on the
/// audit log; apply counts these approvals against the blueprint's `approvals`.
public struct PlanApprovalService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public struct Approval: Sendable {
        public var entry: AuditEntry
        public var planHash: String
        /// Who has approved the plan so far, and who is missing; nil when the plan needs none.
        public var status: Approvals.Status?
    }

    public func approve(_ planPath: String, as approver: String, reason: String?, state: String?) async throws(ServiceError) -> Approval {
        try context.authorise(.approve, "approve plans")
        let saved: PlanFile
        do { saved = try PlanFile.read(planPath) } catch { throw .invalidInput(error.description) }
        let engine = try StateLocation(databasePath: state ?? saved.statePath).engine(context, parallelism: 1, audited: true)
        guard let log = engine.audit else { throw .failed("no audit log") }
        // Approvals sign the plan as it is applied: with its sealed values opened.
        let plan = try await serviceCall(doing: "opening the plan's sealed values") { try await saved.plan(openedWith: engine.store) }
        let approvals = Approvals(log: log, keys: KeyDirectory(path: engine.stateDirectory + "/keys/approvers"))
        do {
            let entry = try await approvals.approve(plan, as: approver, reason: reason)
            return Approval(entry: entry, planHash: Approvals.hash(of: plan), status: try await approvals.status(of: plan))
        } catch let error as AuditError {
            throw .invalidInput(error.description)
        } catch {
            throw ServiceError.from(error)
        }
    }
}

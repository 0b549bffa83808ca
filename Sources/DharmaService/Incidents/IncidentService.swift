import DharmaAutopilot
import DharmaCore
import DharmaStore
import Foundation

/// What the autopilot found wrong and did about it: incidents, their approval, and what it
/// has learned.
public struct IncidentService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// Newest first, for the selected stack, or every stack when none is named.
    public func list(_ selector: StackSelector, openOnly: Bool = false, limit: Int = 50) async throws(ServiceError) -> [Incident] {
        guard limit > 0 else { throw .invalidInput("--limit \(limit): give a positive number") }
        let (book, stack) = try await open(selector)
        return try await serviceCall { try await book.incidents(stack: stack, openOnly: openOnly, limit: limit) }
    }

    public func show(_ id: Int, _ selector: StackSelector) async throws(ServiceError) -> Incident {
        let (book, _) = try await open(selector)
        return try await incident(id, in: book)
    }

    /// Approves the remediation incident `id` proposes, as `approver` (default: the principal).
    public func approve(_ id: Int, as approver: String?, _ selector: StackSelector) async throws(ServiceError) -> Incident {
        try context.authorise(.approve, "approve remediations")
        let (book, _) = try await open(selector)
        let incident = try await incident(id, in: book)
        let engine = try selector.location(context).engine(context, parallelism: 1, audited: true)
        let name = approver ?? context.environment["USER"] ?? context.principal.name
        do {
            return try await IncidentApproval.approve(incident, as: name, book: book, engine: engine)
        } catch let refusal as IncidentApproval.Refusal {
            throw .invalidInput(refusal.description)
        } catch {
            throw ServiceError.from(error)
        }
    }

    /// Success rate and time to recover per symptom and remediation.
    public func stats(_ selector: StackSelector) async throws(ServiceError) -> [RemediationStats] {
        let (book, stack) = try await open(selector)
        return RemediationStats.table(try await serviceCall { try await book.store.outcomes(stack: stack?.description) })
    }

    private func incident(_ id: Int, in book: IncidentBook) async throws(ServiceError) -> Incident {
        guard let incident = try await serviceCall({ try await book.incident(id: id) }) else {
            throw .notFound("there is no incident \(id); `dharma incidents` lists them")
        }
        return incident
    }

    private func open(_ selector: StackSelector) async throws(ServiceError) -> (IncidentBook, StackID?) {
        try context.authorise(.read, "read incidents")
        let location = selector.location(context)
        try location.requireExisting()
        let store = try location.store()
        return (IncidentBook(store: store), selector.namesStack ? try await selector.resolve(in: store) : nil)
    }
}

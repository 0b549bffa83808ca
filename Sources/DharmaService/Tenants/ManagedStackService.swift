import DharmaAudit
import DharmaAutopilot
import DharmaCore
import DharmaCost
import DharmaExport
import DharmaMetrics
import DharmaPolicy
import DharmaSecurity
import DharmaStore
import Foundation

/// What the CLI does to a stack from its file, done to a managed stack's newest blueprint:
/// drift, cost, placement, health, incidents, compliance and export. Each checks the caller's
/// role in the organisation first, then calls the same service the CLI calls.
public struct ManagedStackService: Sendable {
    public var tenants: TenantService

    public init(tenants: TenantService) {
        self.tenants = tenants
    }

    /// The caller's context for `permission` on the stack, its input and its selector.
    private func scope(_ reference: String, _ organisation: String, _ permission: Permission, _ what: String) async throws(ServiceError) -> (
        context: ServiceContext, input: BlueprintInput, selector: StackSelector, stack: ManagedStack
    ) {
        let scope = try await tenants.stackScope(reference, in: organisation, permission, to: what)
        let (input, _) = try await tenants.input(for: scope.stack)
        return (scope.context, input, scope.selector, scope.stack)
    }

    /// Compares the stack's recorded resources with the real world, and keeps the result as the
    /// stack's newest drift check.
    public func drift(_ reference: String, in organisation: String) async throws(ServiceError) -> StackService.DriftReport {
        let scope = try await scope(reference, organisation, .read, "check drift")
        let report = try await StackService(context: scope.context).drift(scope.input)
        let check = DriftCheck(
            organisation: organisation, stack: scope.stack.stack, checkedAt: Date().timeIntervalSince1970, checked: report.checked,
            drifted: report.drifted.map(\.name).sorted(), actor: scope.context.principal.name)
        try await serviceCall { try await tenants.store.recordDriftCheck(check) }
        if report.hasDrift { await publish(.drift, reference, organisation, payload: report.json) }
        return report
    }

    /// The newest drift check of each stack of the organisation that has one.
    public func driftChecks(in organisation: String) async throws(ServiceError) -> [StackID: DriftCheck] {
        _ = try await tenants.access.require(.read, in: organisation, to: "read drift checks")
        return try await serviceCall { try await tenants.store.driftChecks(in: organisation) }
    }

    /// Tells the organisation's followers (`/v1/events`) what changed on the stack.
    func publish(_ kind: ServerEvent.Kind, _ reference: String, _ organisation: String, payload: Value) async {
        guard let events = tenants.events else { return }
        let project = try? await tenants.managedStack(reference, in: organisation).project
        await events.publish(kind, organisation: organisation, project: project, stack: reference, payload: payload)
    }

    static func payload(_ incident: Incident) -> Value {
        .map([
            "incident": .int(incident.id), "resource": .string(incident.resource), "severity": .string(incident.severity.rawValue),
            "status": .string(incident.status.rawValue), "phase": .string(incident.phase.rawValue), "summary": .string(incident.summary),
            "approved_by": incident.approvedBy.map(Value.string) ?? .null,
        ])
    }

    public func cost(_ reference: String, in organisation: String) async throws(ServiceError) -> CostService.Estimate {
        let scope = try await scope(reference, organisation, .read, "price stacks")
        return try CostService(context: scope.context).estimate(scope.input, usage: nil)
    }

    /// Who owns the stack, its labels and its budget, as its newest blueprint declares them.
    public struct Profile: Sendable {
        public var owner: String?
        public var labels: [String: String]
        public var budget: Budget?

        public init(owner: String?, labels: [String: String], budget: Budget?) {
            self.owner = owner
            self.labels = labels
            self.budget = budget
        }
    }

    public func profile(_ reference: String, in organisation: String) async throws(ServiceError) -> Profile {
        let scope = try await scope(reference, organisation, .read, "read stacks")
        let blueprint = try scope.input.prepare().blueprint
        return Profile(owner: blueprint.metadata.owner, labels: blueprint.metadata.labels, budget: try CostService.budget(of: blueprint))
    }

    public func placement(_ reference: String, in organisation: String, objective: CostService.Objective) async throws(ServiceError)
        -> CostService.Optimisation
    {
        let scope = try await scope(reference, organisation, .read, "optimise placements")
        return try CostService(context: scope.context).optimize(scope.input, usage: nil, objective: objective, write: nil)
    }

    public func health(_ reference: String, in organisation: String) async throws(ServiceError) -> (stack: String, score: HealthScore) {
        let scope = try await scope(reference, organisation, .read, "read health")
        if let score = tenants.health?.score(of: scope.stack.stack, in: organisation) { return (scope.stack.stack.description, score) }
        return try await HealthService(context: scope.context).health(scope.input)
    }

    public func serviceLevels(_ reference: String, in organisation: String) async throws(ServiceError) -> [ServiceLevelStatus] {
        let scope = try await tenants.stackScope(reference, in: organisation, .read, to: "read service levels")
        return try await ServiceLevelService(context: scope.context).statuses(scope.selector).1
    }

    public func incidents(_ reference: String, in organisation: String, openOnly: Bool) async throws(ServiceError) -> [Incident] {
        let scope = try await tenants.stackScope(reference, in: organisation, .read, to: "list incidents")
        return try await IncidentService(context: scope.context).list(scope.selector, openOnly: openOnly, limit: 200)
    }

    public func incident(_ id: Int, of reference: String, in organisation: String) async throws(ServiceError) -> Incident {
        let scope = try await tenants.stackScope(reference, in: organisation, .read, to: "read incidents")
        let incident = try await IncidentService(context: scope.context).show(id, scope.selector)
        guard incident.stack == scope.stack.stack else { throw .notFound("incident \(id) not found on `\(reference)`") }
        return incident
    }

    /// Approves the remediation an incident proposes, as the caller.
    public func approveIncident(_ id: Int, of reference: String, in organisation: String) async throws(ServiceError) -> Incident {
        let scope = try await tenants.stackScope(reference, in: organisation, .approve, to: "approve remediations")
        _ = try await incident(id, of: reference, in: organisation)
        let approved = try await IncidentService(context: scope.context).approve(id, as: scope.context.principal.name, scope.selector)
        await publish(.incident, reference, organisation, payload: Self.payload(approved))
        return approved
    }

    public func compliance(_ reference: String, in organisation: String, frameworks: [String]) async throws(ServiceError) -> PolicyService.Compliance {
        let scope = try await scope(reference, organisation, .read, "report compliance")
        return try PolicyService(context: scope.context).compliance(scope.input.path, frameworks: frameworks, settings: PolicySettings())
    }

    /// The generated code as a tar archive, with the names of its files.
    public func export(_ reference: String, in organisation: String, format: String) async throws(ServiceError) -> (archive: Data, files: [String]) {
        let scope = try await scope(reference, organisation, .read, "export code")
        let directory = NSTemporaryDirectory() + "dharma-export-" + APITokenSecret.identifier()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try ExportService(context: scope.context).export(.init(blueprint: scope.input, format: format, directory: directory))
        var archive = TarArchive()
        for file in written.files.sorted() {
            let relative = file.hasPrefix(directory + "/") ? String(file.dropFirst(directory.count + 1)) : file
            let contents: Data
            do { contents = try Data(contentsOf: URL(fileURLWithPath: file.hasPrefix("/") ? file : directory + "/" + file)) } catch {
                throw .failed("cannot read the generated \(relative): \(error.localizedDescription)")
            }
            do { try archive.add(path: relative, contents: contents) } catch { throw .failed(error.description) }
        }
        return (archive.bytes, written.files)
    }

    /// `dharma scan` of one uploaded Terraform or CloudFormation file.
    public func scan(_ text: String, filename: String, in organisation: String) async throws(ServiceError) -> (report: PolicyReport, verdict: PolicyVerdict) {
        let principal = try await tenants.access.require(.read, in: organisation, to: "scan infrastructure code")
        guard filename.range(of: "^[A-Za-z0-9._-]{1,100}$", options: .regularExpression) != nil, !filename.hasPrefix(".") else {
            throw .invalidInput("filename `\(filename)`: letters, digits, dots, dashes and underscores", pointer: "/filename")
        }
        let directory = NSTemporaryDirectory() + "dharma-scan-" + APITokenSecret.identifier()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.write(toFile: directory + "/" + filename, atomically: true, encoding: .utf8)
        } catch {
            throw .failed("cannot stage the file for scanning: \(error.localizedDescription)")
        }
        var context = tenants.context
        context.principal = principal
        return try PolicyService(context: context).scan([directory + "/" + filename], settings: PolicySettings())
    }
}

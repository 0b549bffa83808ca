import DharmaAPI
import DharmaCore
import DharmaCost
import DharmaPolicy
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// Drift, cost, placement, health, incidents, compliance, export and scans of managed stacks:
/// each answers what the matching CLI command prints with --json.
extension APIHandler {
    func stacks() throws(ServiceError) -> ManagedStackService {
        ManagedStackService(tenants: try tenants())
    }

    /// A JSON value as a free-form report.
    static func report(_ value: Value) -> Components.Schemas.Report {
        guard case .map(let entries) = value else { return .init(additionalProperties: Value.object(["value": value])) }
        return .init(additionalProperties: Value.object(entries))
    }

    /// Anything Encodable (what the CLI prints with `jsonText`) as a free-form report.
    static func report(encoding value: some Encodable) throws(ServiceError) -> Components.Schemas.Report {
        do {
            return report(try JSONDecoder().decode(Value.self, from: try JSONEncoder().encode(value)))
        } catch {
            throw .failed("cannot encode the report: \(error)")
        }
    }

    func checkDrift(_ input: Operations.CheckDrift.Input) async throws -> Operations.CheckDrift.Output {
        await respond(Operations.CheckDrift.Output.default) { () throws(ServiceError) in
            let mask = try await tenants().secretMask(input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(Self.report(mask.mask(try await stacks().drift(input.path.stack, in: input.path.org).json)))))
        }
    }

    func getStackCost(_ input: Operations.GetStackCost.Input) async throws -> Operations.GetStackCost.Output {
        await respond(Operations.GetStackCost.Output.default) { () throws(ServiceError) in
            let estimate = try await stacks().cost(input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(Self.report(CostRenderer.json(estimate.estimate, budget: estimate.budget)))))
        }
    }

    func getPlacement(_ input: Operations.GetPlacement.Input) async throws -> Operations.GetPlacement.Output {
        await respond(Operations.GetPlacement.Output.default) { () throws(ServiceError) in
            let objective = input.query.objective.flatMap { CostService.Objective(rawValue: $0.rawValue) } ?? .cost
            let advice = try await stacks().placement(input.path.stack, in: input.path.org, objective: objective)
            return .ok(.init(body: .json(Self.report(.map(["advice": PlacementRenderer.json(advice.advice)])))))
        }
    }

    func getStackHealth(_ input: Operations.GetStackHealth.Input) async throws -> Operations.GetStackHealth.Output {
        await respond(Operations.GetStackHealth.Output.default) { () throws(ServiceError) in
            let health = try await stacks().health(input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(try Self.report(encoding: health.score))))
        }
    }

    func listIncidents(_ input: Operations.ListIncidents.Input) async throws -> Operations.ListIncidents.Output {
        await respond(Operations.ListIncidents.Output.default) { () throws(ServiceError) in
            let incidents = try await stacks().incidents(input.path.stack, in: input.path.org, openOnly: input.query.open ?? false)
            return .ok(.init(body: .json(try Self.report(encoding: ["incidents": incidents]))))
        }
    }

    func getIncident(_ input: Operations.GetIncident.Input) async throws -> Operations.GetIncident.Output {
        await respond(Operations.GetIncident.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(try Self.report(encoding: try await stacks().incident(input.path.incident, of: input.path.stack, in: input.path.org)))))
        }
    }

    func approveIncident(_ input: Operations.ApproveIncident.Input) async throws -> Operations.ApproveIncident.Output {
        await respond(Operations.ApproveIncident.Output.default) { () throws(ServiceError) in
            let incident = try await stacks().approveIncident(input.path.incident, of: input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(try Self.report(encoding: incident))))
        }
    }

    func getCompliance(_ input: Operations.GetCompliance.Input) async throws -> Operations.GetCompliance.Output {
        await respond(Operations.GetCompliance.Output.default) { () throws(ServiceError) in
            let frameworks = input.query.framework.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let compliance = try await stacks().compliance(input.path.stack, in: input.path.org, frameworks: frameworks)
            return .ok(.init(body: .json(Self.report(.map(["reports": .list(compliance.reports.map(\.json))])))))
        }
    }

    func exportStack(_ input: Operations.ExportStack.Input) async throws -> Operations.ExportStack.Output {
        await respond(Operations.ExportStack.Output.default) { () throws(ServiceError) in
            let (archive, _) = try await stacks().export(input.path.stack, in: input.path.org, format: input.query.format.rawValue)
            return .ok(.init(body: .applicationXTar(HTTPBody(archive))))
        }
    }

    func scanCode(_ input: Operations.ScanCode.Input) async throws -> Operations.ScanCode.Output {
        await respond(Operations.ScanCode.Output.default) { () throws(ServiceError) in
            guard case .plainText(let body) = input.body else { throw .invalidInput("the body must be the file's text") }
            let text = try await Self.text(of: body)
            let (report, verdict) = try await stacks().scan(text, filename: input.query.filename, in: input.path.org)
            var json = report.json
            if case .map(var entries) = json {
                entries["verdict"] = verdict.message.map(Value.string) ?? .null
                json = .map(entries)
            }
            return .ok(.init(body: .json(Self.report(json))))
        }
    }
}

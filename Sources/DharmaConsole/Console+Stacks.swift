import DharmaService
import DharmaStore
import Foundation
import Hummingbird

struct StacksView {
    struct Organisation {
        var name: String
        var role: String
        var stacks: [StackRow]
        /// Stored, not computed: templates see stored properties only.
        var empty: Bool
    }
    struct StackRow {
        var ref: String
        var url: String
        var project: String
        var environment: String
        var protected: Bool
        var locked: Bool
        var blueprintVersion: Int?
        var latestRun: RunLink?
        /// The monthly cost and carbon its newest priced run estimated.
        var monthlyCost: String?
        var carbon: String?
        /// Scored only for a stack with resources recorded.
        var health: Int?
        var drift: DriftSummary
    }
    var organisations: [Organisation]
    var none: Bool
}

/// A stack's newest drift check in words: never run, everything matched, or what differed.
struct DriftSummary {
    var text: String
    var drifted: Bool
    var checkedAt: String?
    var actor: String?
    var resources: [String]

    init(_ check: DriftCheck?) {
        drifted = check.map { !$0.drifted.isEmpty } ?? false
        checkedAt = check.map { Console.time($0.checkedAt) }
        actor = check?.actor
        resources = check?.drifted ?? []
        text =
            switch check {
            case nil: "not checked"
            case let check? where check.drifted.isEmpty: "in sync (\(check.checked) checked)"
            case let check?: "drifted: " + check.drifted.joined(separator: ", ")
            }
    }
}

struct RunLink {
    var id: String
    var url: String
    var state: String
    var kind: String
    var created: String
    var actor: String
}

struct StackView {
    struct Resource {
        var name: String
        var type: String
        var provider: String
        /// `name: value` per input, secrets shown as `(sensitive)`.
        var inputs: [String]
        var dependencies: String?
    }
    struct Version {
        var version: Int
        /// Its page: what it changed from the version before.
        var url: String
        var created: String
        var summary: String
        var resources: Int
    }
    struct Output {
        var name: String
        var value: String
    }
    var organisation: String
    var ref: String
    var project: String
    var protected: Bool
    var lockedBy: String?
    var blueprintVersion: Int?
    var runs: [RunLink]
    var canPlan: Bool
    var canApply: Bool
    var canDestroy: Bool
    var actionsURL: String
    var complianceURL: String
    var resources: [Resource]
    var outputs: [Output]
    var hasOutputs: Bool
    var versions: [Version]
    var incidents: [IncidentRow]
    var drift: DriftSummary
    var driftURL: String
    /// Each objective of each service with an `slo`.
    var serviceLevels: [ServiceLevelRow]
    var hasServiceLevels: Bool
    /// The dependency graph, as SVG markup this server made (names escaped).
    var graph: String?
}

/// The list of stacks, a stack's page, and queueing runs on it.
extension Console {
    func stacksPage() async throws -> Response {
        let (tenants, _, session) = try acting()
        let service = ManagedStackService(tenants: tenants)
        var organisations: [StacksView.Organisation] = []
        for (organisation, role) in session.principal.memberships.sorted(by: { $0.key < $1.key }) {
            let stacks = try await tenants.stacks(in: organisation, project: nil, PageRequest(limit: 200)).items
            let running = try await tenants.stacksWithResources(in: organisation)
            let drift = try await service.driftChecks(in: organisation)
            var rows: [StacksView.StackRow] = []
            for stack in stacks {
                // A stack with nothing running has no health to score.
                let health = running.contains(stack.stack) ? try? await service.health(stack.reference, in: organisation).score.score : nil
                let summary = try await tenants.stackSummary(stack.reference, in: organisation)
                var latest: RunLink?
                var cost: String?
                var carbon: String?
                if let id = summary.latestRun {
                    let run = try await acting().runs.run(id, in: organisation)
                    latest = Self.link(run)
                    cost = run.monthlyCost.map(Self.dollars)
                    carbon = run.monthlyCarbonKg.map(Self.kilograms)
                }
                rows.append(
                    .init(
                        ref: stack.reference, url: "/console/orgs/\(organisation)/stacks/\(stack.reference)", project: stack.project,
                        environment: stack.stack.environment, protected: stack.protected, locked: stack.lockedBy != nil,
                        blueprintVersion: summary.latestBlueprint, latestRun: latest, monthlyCost: cost, carbon: carbon, health: health,
                        drift: DriftSummary(drift[stack.stack])))
            }
            organisations.append(.init(name: organisation, role: role.rawValue, stacks: rows, empty: rows.isEmpty))
        }
        return pages.render(.stacks, title: "Stacks", StacksView(organisations: organisations, none: organisations.isEmpty))
    }

    func stackPage(_ organisation: String, _ reference: String) async throws -> Response {
        let (tenants, runs, session) = try acting()
        let summary = try await tenants.stackSummary(reference, in: organisation)
        let page = try await runs.runs(of: reference, in: organisation, PageRequest(limit: 25))
        let scoped = session.principal.scoped(to: organisation)
        let state = try await stateSections(reference, in: organisation)
        let serviceLevels = try await serviceLevelRows(reference, in: organisation)
        let view = StackView(
            organisation: organisation, ref: reference, project: summary.stack.project, protected: summary.stack.protected,
            lockedBy: summary.stack.lockedBy, blueprintVersion: summary.latestBlueprint, runs: page.items.map { Self.link($0) },
            canPlan: scoped.may(.plan), canApply: scoped.may(.apply), canDestroy: scoped.may(.destroy),
            actionsURL: "/console/orgs/\(organisation)/stacks/\(reference)/runs",
            complianceURL: "/console/orgs/\(organisation)/stacks/\(reference)/compliance", resources: state.resources, outputs: state.outputs,
            hasOutputs: !state.outputs.isEmpty,
            versions: state.versions, incidents: try await incidentRows(reference, in: organisation),
            drift: DriftSummary(try await ManagedStackService(tenants: tenants).driftChecks(in: organisation)[summary.stack.stack]),
            driftURL: "/console/orgs/\(organisation)/stacks/\(reference)/drift",
            serviceLevels: serviceLevels, hasServiceLevels: !serviceLevels.isEmpty, graph: state.graph)
        return pages.render(.stack, title: reference, view)
    }

    /// Checks the stack for drift now, then shows its page with the result.
    func checkDrift(_ organisation: String, _ reference: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        _ = try await ManagedStackService(tenants: tenants).drift(reference, in: organisation)
        return Self.redirect(to: "/console/orgs/\(organisation)/stacks/\(reference)#drift")
    }

    /// What the stack's state records: resources with their inputs (secrets, and the stack's
    /// sensitive variables wherever they were interpolated, hidden), outputs, versions and the graph.
    func stateSections(_ reference: String, in organisation: String) async throws -> (
        resources: [StackView.Resource], outputs: [StackView.Output], versions: [StackView.Version], graph: String?
    ) {
        let (tenants, _, _) = try acting()
        let scope = try await tenants.stackScope(reference, in: organisation, .read, to: "read state")
        let mask = try await tenants.secretMask(reference, in: organisation)
        let service = StateService(context: scope.context)
        let recorded = try await service.list(scope.selector).resources.map(StateService.redacted)
        let resources = recorded.map { resource in
            StackView.Resource(
                name: resource.name, type: resource.type, provider: resource.provider.rawValue,
                inputs: resource.inputs.sorted { $0.key < $1.key }.map { "\($0.key): \(mask.mask($0.value).rendered)" },
                dependencies: resource.dependencies.isEmpty ? nil : resource.dependencies.sorted().joined(separator: ", "))
        }
        let outputs = try await service.outputs(scope.selector).1.sorted { $0.key < $1.key }.map {
            StackView.Output(name: $0.key, value: mask.mask($0.value).rendered)
        }
        let versions = try await service.history(scope.selector).1.reversed().prefix(25).map {
            StackView.Version(
                version: $0.version, url: "/console/orgs/\(organisation)/stacks/\(reference)/versions/\($0.version)", created: Self.time($0.createdAt),
                summary: mask.mask($0.summary), resources: $0.resourceCount)
        }
        let graph = DependencyGraphSVG.render(recorded.map { .init(name: $0.name, type: $0.type, dependencies: $0.dependencies) })
        return (resources, outputs, Array(versions), graph)
    }

    func queueRun(_ request: Request, _ organisation: String, _ reference: String) async throws -> Response {
        let (_, runs, session) = try acting()
        guard let kind = session.form["kind"].flatMap(RunKind.init(rawValue:)) else {
            return pages.problem(.badRequest, "The form must say which kind of run to queue: plan_only, apply or destroy.")
        }
        let run = try await runs.create(on: reference, in: organisation, kind: kind, blueprintVersion: nil, message: "queued in the console")
        return Self.redirect(to: "/console/orgs/\(organisation)/runs/\(run.id)")
    }

    static func link(_ run: Run) -> RunLink {
        RunLink(
            id: run.id, url: "/console/orgs/\(run.organisation)/runs/\(run.id)", state: run.state.rawValue, kind: run.kind.rawValue,
            created: time(run.createdAt), actor: run.actor)
    }

    static func dollars(_ amount: Double) -> String { String(format: "$%.2f", amount) }

    static func kilograms(_ amount: Double) -> String { String(format: "%.1f kg CO2e", amount) }

    /// `+$3.00`, `-$1.50`, or `no change`: a delta says its direction in text, not by colour alone.
    static func signed(_ amount: Double, _ format: (Double) -> String) -> String {
        if abs(amount) < 0.005 { return "no change" }
        return (amount > 0 ? "+" : "-") + format(abs(amount))
    }

    static func time(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}

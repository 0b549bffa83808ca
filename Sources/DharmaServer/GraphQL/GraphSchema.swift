import DharmaAudit
import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import GraphQL
import Graphiti

/// `/graphql`: stacks, runs, resources, incidents and audit entries, read through the same
/// services and checks as the REST API. Every resolver acts for the request's principal, so an
/// organisation the caller is not in is "not found" here too.
struct GraphContext: Sendable {
    let tenants: TenantService
    let runs: RunService
    let stacks: ManagedStackService
}

struct GraphResolver: Sendable {
    struct OrganisationArguments: Codable, Sendable { var org: String }
    struct StacksArguments: Codable, Sendable {
        var org: String
        var project: String?
    }
    struct StackArguments: Codable, Sendable {
        var org: String
        var reference: String
    }
    struct RunArguments: Codable, Sendable {
        var org: String
        var id: String
    }
    struct AuditArguments: Codable, Sendable {
        var org: String
        var limit: Int?
    }

    func organisations(context: GraphContext, arguments: NoArguments) async throws -> [OrganisationView] {
        try await graph {
            let roles = context.tenants.context.principal.memberships
            return try await context.tenants.organisations(PageRequest(after: nil, limit: 200)).items.map {
                OrganisationView(name: $0.name, role: roles[$0.name]?.rawValue)
            }
        }
    }

    func stacks(context: GraphContext, arguments: StacksArguments) async throws -> [StackView] {
        try await graph {
            try await context.tenants.stacks(in: arguments.org, project: arguments.project, PageRequest(after: nil, limit: 200)).items.map(StackView.init)
        }
    }

    func stack(context: GraphContext, arguments: StackArguments) async throws -> StackView {
        try await graph { StackView(try await context.tenants.stack(arguments.reference, in: arguments.org)) }
    }

    func run(context: GraphContext, arguments: RunArguments) async throws -> RunView {
        try await graph { RunView(try await context.runs.run(arguments.id, in: arguments.org)) }
    }

    func auditEntries(context: GraphContext, arguments: AuditArguments) async throws -> [AuditEntryView] {
        try await graph {
            let scope = try await context.tenants.auditScope(arguments.org, .read, to: "read the audit log")
            let entries = try await AuditService(context: scope.context).log(scope.selector, filter: AuditFilter())
            return entries.suffix(GraphResolver.limit(arguments.limit)).reversed().map {
                AuditEntryView(seq: Int($0.seq), time: $0.time, actor: $0.actor, action: $0.action, stack: $0.stack, reason: $0.reason)
            }
        }
    }

    /// At most 100 items a list, 20 unless asked.
    static func limit(_ asked: Int?) -> Int { min(max(asked ?? 20, 1), 100) }
}

/// A stack's own lists, resolved when a query asks for them.
extension StackView {
    struct LimitArguments: Codable, Sendable { var limit: Int? }
    struct IncidentArguments: Codable, Sendable { var open: Bool? }

    func runs(context: GraphContext, arguments: LimitArguments) async throws -> [RunView] {
        try await graph {
            try await context.runs.runs(of: reference, in: organisation, PageRequest(after: nil, limit: GraphResolver.limit(arguments.limit))).items.map(
                RunView.init)
        }
    }

    func resources(context: GraphContext, arguments: NoArguments) async throws -> [ResourceView] {
        try await graph {
            let scope = try await context.tenants.stackScope(reference, in: organisation, .read, to: "read state")
            return try await StateService(context: scope.context).list(scope.selector).resources.map {
                ResourceView(name: $0.name, type: $0.type, provider: $0.provider.rawValue, region: $0.region, dependencies: $0.dependencies)
            }
        }
    }

    func incidents(context: GraphContext, arguments: IncidentArguments) async throws -> [IncidentView] {
        try await graph { try await context.stacks.incidents(reference, in: organisation, openOnly: arguments.open ?? false).map(IncidentView.init) }
    }
}

/// Runs a resolver, answering a service error as a GraphQL error with the REST API's code.
private func graph<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ServiceError {
        let (_, code) = ProblemDocument.classify(error)
        throw GraphQLError(message: error.description, extensions: ["code": .string(code)])
    }
}

struct DharmaGraph: API {
    let resolver = GraphResolver()
    let schema: Schema<GraphResolver, GraphContext>

    init() throws {
        schema = try Schema<GraphResolver, GraphContext> {
            Type(OrganisationView.self, as: "Organisation") {
                Field("name", at: \.name)
                Field("role", at: \.role)
            }
            Type(RunView.self, as: "Run") {
                Field("id", at: \.id)
                Field("stack", at: \.stack)
                Field("kind", at: \.kind)
                Field("state", at: \.state)
                Field("actor", at: \.actor)
                Field("message", at: \.message)
                Field("blueprintVersion", at: \.blueprintVersion)
                Field("createdAt", at: \.createdAt)
                Field("updatedAt", at: \.updatedAt)
                Field("error", at: \.error)
            }
            Type(ResourceView.self, as: "Resource") {
                Field("name", at: \.name)
                Field("type", at: \.type)
                Field("provider", at: \.provider)
                Field("region", at: \.region)
                Field("dependencies", at: \.dependencies)
            }
            Type(IncidentView.self, as: "Incident") {
                Field("id", at: \.id)
                Field("resource", at: \.resource)
                Field("severity", at: \.severity)
                Field("status", at: \.status)
                Field("summary", at: \.summary)
                Field("openedAt", at: \.openedAt)
            }
            Type(AuditEntryView.self, as: "AuditEntry") {
                Field("seq", at: \.seq)
                Field("time", at: \.time)
                Field("actor", at: \.actor)
                Field("action", at: \.action)
                Field("stack", at: \.stack)
                Field("reason", at: \.reason)
            }
            Type(StackView.self, as: "Stack") {
                Field("organisation", at: \.organisation)
                Field("project", at: \.project)
                Field("name", at: \.name)
                Field("environment", at: \.environment)
                Field("reference", at: \.reference)
                Field("protected", at: \.protected)
                Field("lockedBy", at: \.lockedBy)
                Field("runs", at: StackView.runs) { Argument("limit", at: \.limit) }
                Field("resources", at: StackView.resources)
                Field("incidents", at: StackView.incidents) { Argument("open", at: \.open) }
            }
            Query {
                Field("organisations", at: GraphResolver.organisations)
                Field("stacks", at: GraphResolver.stacks) {
                    Argument("org", at: \.org)
                    Argument("project", at: \.project)
                }
                Field("stack", at: GraphResolver.stack) {
                    Argument("org", at: \.org)
                    Argument("reference", at: \.reference)
                }
                Field("run", at: GraphResolver.run) {
                    Argument("org", at: \.org)
                    Argument("id", at: \.id)
                }
                Field("auditEntries", at: GraphResolver.auditEntries) {
                    Argument("org", at: \.org)
                    Argument("limit", at: \.limit)
                }
            }
        }
    }
}

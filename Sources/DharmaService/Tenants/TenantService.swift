import DharmaAudit
import DharmaCore
import DharmaPolicy
import DharmaSecurity
import DharmaStore
import Foundation

/// Organisations, their members and projects, users and their API tokens, and the stacks a
/// server manages with their blueprint versions. Every operation checks the principal's role
/// in the organisation it touches (`Access`), so the REST API, GraphQL and the console share one
/// set of rules.
public struct TenantService: Sendable {
    public var context: ServiceContext
    public var store: any TenantStore
    public var data: ServerData
    /// Where entries on an organisation's log are published, when a server runs.
    public var events: EventBus?
    /// What the server's supervision scored last, when a server runs.
    public var health: HealthBoard?
    var now: @Sendable () -> Double

    public init(context: ServiceContext, store: any TenantStore, data: ServerData, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.context = context
        self.store = store
        self.data = data
        self.now = now
    }

    var access: Access { Access(context: context, data: data) }

    // MARK: who is calling

    /// The principal an API token stands for; nil for an unknown, revoked or expired token, or
    /// one whose user is gone.
    public static func authenticate(_ secret: String, store: any TenantStore, now: Double = Date().timeIntervalSince1970) async throws(ServiceError)
        -> Principal?
    {
        guard let secret = APITokenSecret(secret) else { return nil }
        return try await serviceCall {
            guard let (token, user, memberships) = try await store.credentials(withHash: secret.hash), !token.revoked else { return nil }
            if let expires = token.expiresAt, expires <= now { return nil }
            try await store.markUsed(token: token.id, at: now)
            return try await Principal.member(user, memberships: memberships, authentication: .token, resolvingIn: store)
        }
    }

    /// The caller and the roles they hold now: the server's memberships, and for an OIDC
    /// sign-in those its groups grant.
    public func me() async throws(ServiceError) -> (user: User, memberships: [Membership]) {
        let principal = context.principal
        return try await serviceCall {
            guard let user = try await store.user(named: principal.name) else { throw ServiceError.notFound("user `\(principal.name)` not found") }
            let memberships = principal.memberships.map { Membership(organisation: $0.key, user: principal.name, role: $0.value) }
            return (user, memberships.sorted { $0.organisation < $1.organisation })
        }
    }

    // MARK: users and tokens

    public func users(_ page: PageRequest) async throws(ServiceError) -> Page<User> {
        try await access.requireServerAdmin(to: "list users")
        return try await serviceCall { try await store.users(page) }
    }

    public func createUser(_ name: String, serverAdmin: Bool) async throws(ServiceError) -> User {
        try await access.requireServerAdmin(to: "create users")
        let user = User(name: try Self.name(name, "user name"), serverAdmin: serverAdmin, createdAt: now())
        try await tenantCall { try await store.createUser(user) }
        try await recordServer("user-create", reason: "user \(user.name) created\(serverAdmin ? " as a server administrator" : "")")
        return user
    }

    /// The first start's administrator and token; nil when the server has users already.
    public static func bootstrap(store: any TenantStore, now: Double = Date().timeIntervalSince1970) async throws(ServiceError) -> APITokenSecret? {
        try await serviceCall {
            guard try await store.users(PageRequest(limit: 1)).items.isEmpty else { return nil }
            try await store.createUser(User(name: "admin", serverAdmin: true, createdAt: now))
            let secret = APITokenSecret.generate()
            try await store.createToken(
                APIToken(id: "tok-" + APITokenSecret.identifier(), name: "bootstrap", user: "admin", secretHash: secret.hash, createdAt: now, expiresAt: nil))
            return secret
        }
    }

    public func tokens(_ page: PageRequest) async throws(ServiceError) -> Page<APIToken> {
        let user = context.principal.name
        return try await serviceCall { try await store.tokens(of: user, page) }
    }

    /// A token for the caller, or (server administrators) for another user; the secret is returned once.
    public func createToken(name: String, for user: String? = nil, expiresInDays: Int? = nil) async throws(ServiceError) -> (
        token: APIToken, secret: APITokenSecret
    ) {
        let owner = user ?? context.principal.name
        if owner != context.principal.name { try await access.requireServerAdmin(to: "make tokens for other users") }
        if let days = expiresInDays, !(1...3650).contains(days) { throw .invalidInput("expires_in_days must be between 1 and 3650") }
        let secret = APITokenSecret.generate()
        let created = now()
        let token = APIToken(
            id: "tok-" + APITokenSecret.identifier(), name: try Self.name(name, "token name"), user: owner, secretHash: secret.hash,
            createdAt: created, expiresAt: expiresInDays.map { created + Double($0) * 86_400 })
        let exists = try await serviceCall { try await store.user(named: owner) != nil }
        guard exists else { throw .notFound("user `\(owner)` not found") }
        try await tenantCall { try await store.createToken(token) }
        return (token, secret)
    }

    public func revokeToken(_ id: String) async throws(ServiceError) {
        let user = context.principal.name
        let revoked = try await serviceCall { try await store.revokeToken(id: id, of: user) }
        guard revoked else { throw .notFound("token `\(id)` not found") }
    }

    // MARK: organisations and members

    public func organisations(_ page: PageRequest) async throws(ServiceError) -> Page<Organisation> {
        let user = context.principal.name
        return try await serviceCall { try await store.organisations(of: user, page) }
    }

    public func createOrganisation(_ name: String) async throws(ServiceError) -> Organisation {
        try await access.requireServerAdmin(to: "create organisations")
        let organisation = Organisation(name: try Self.name(name, "organisation name"), createdAt: now())
        try await tenantCall { try await store.createOrganisation(organisation, admin: context.principal.name) }
        try await recordServer("organisation-create", reason: "organisation \(organisation.name) created; \(context.principal.name) is its admin")
        // The organisation's own log begins with its creation, so it has a checkpoint from the start.
        try await recordOrganisation(organisation.name, action: "organisation-create", reason: "\(context.principal.name) is its admin")
        return organisation
    }

    public func organisation(_ name: String) async throws(ServiceError) -> Organisation {
        _ = try await access.require(.read, in: name, to: "read the organisation")
        return try await existing(try await serviceCall { try await store.organisation(named: name) }, "organisation `\(name)`")
    }

    public func members(of organisation: String, _ page: PageRequest) async throws(ServiceError) -> Page<Membership> {
        _ = try await access.require(.read, in: organisation, to: "list members")
        return try await serviceCall { try await store.members(of: organisation, page) }
    }

    public func setMember(_ user: String, role: Role, in organisation: String) async throws(ServiceError) -> Membership {
        _ = try await access.require(.administer, in: organisation, to: "change members")
        let exists = try await serviceCall { try await store.user(named: user) != nil }
        guard exists else { throw .notFound("user `\(user)` not found") }
        if !role.isBuiltIn {
            let defined = try await serviceCall { try await store.customRoles(in: organisation) }.contains { $0.name == role }
            guard defined else {
                throw .unprocessable(
                    "role `\(role)`: neither built-in (\(Role.builtIn.map(\.rawValue).joined(separator: ", "))) nor one of the organisation's custom roles",
                    pointer: "/role")
            }
        }
        if role != .admin { try await keepAnAdmin(organisation, losing: user) }
        let membership = Membership(organisation: organisation, user: user, role: role)
        try await tenantCall { try await store.setMembership(membership) }
        try await recordOrganisation(organisation, action: "member-set", reason: "\(user) is \(role.rawValue)")
        return membership
    }

    public func removeMember(_ user: String, from organisation: String) async throws(ServiceError) {
        _ = try await access.require(.administer, in: organisation, to: "remove members")
        try await keepAnAdmin(organisation, losing: user)
        let removed = try await serviceCall { try await store.removeMembership(organisation: organisation, user: user) }
        guard removed else { throw .notFound("`\(user)` is not a member of `\(organisation)`") }
        try await recordOrganisation(organisation, action: "member-remove", reason: "\(user) removed")
    }

    /// Refuses to leave an organisation without an admin: no one could manage it then.
    private func keepAnAdmin(_ organisation: String, losing user: String) async throws(ServiceError) {
        let (current, admins) = try await serviceCall {
            (try await store.membership(of: user, in: organisation), try await store.count(of: .admin, in: organisation))
        }
        if current?.role == .admin, admins <= 1 {
            throw .conflict("\(user) is the only admin of `\(organisation)`; make someone else admin first")
        }
    }

    // MARK: projects and stacks

    public func projects(in organisation: String, _ page: PageRequest) async throws(ServiceError) -> Page<Project> {
        _ = try await access.require(.read, in: organisation, to: "list projects")
        return try await serviceCall { try await store.projects(in: organisation, page) }
    }

    public func createProject(_ name: String, in organisation: String) async throws(ServiceError) -> Project {
        _ = try await access.require(.administer, in: organisation, to: "create projects")
        let project = Project(organisation: organisation, name: try Self.name(name, "project name"), createdAt: now())
        try await tenantCall { try await store.createProject(project) }
        return project
    }

    public func project(_ name: String, in organisation: String) async throws(ServiceError) -> Project {
        _ = try await access.require(.read, in: organisation, to: "read projects")
        return try await existing(try await serviceCall { try await store.project(name, in: organisation) }, "project `\(name)`")
    }

    public func stacks(in organisation: String, project: String?, _ page: PageRequest) async throws(ServiceError) -> Page<ManagedStack> {
        _ = try await access.require(.read, in: organisation, to: "list stacks")
        return try await serviceCall { try await store.stacks(in: organisation, project: project, page) }
    }

    /// A new stack; a stack of the `production` environment is protected unless `protected` says otherwise.
    public func createStack(_ stack: StackID, project: String, protected: Bool?, in organisation: String) async throws(ServiceError) -> ManagedStack {
        _ = try await access.require(.administer, in: organisation, to: "create stacks")
        let checked = StackID(name: try Self.name(stack.name, "stack name"), environment: try Self.name(stack.environment, "environment"))
        let hasProject = try await serviceCall { try await store.project(project, in: organisation) != nil }
        // The path names the organisation; a project the body names that does not exist is a
        // conflict with what exists, not a missing route.
        guard hasProject else { throw .conflict("project `\(project)` does not exist in `\(organisation)`; create it first") }
        let managed = ManagedStack(
            organisation: organisation, project: project, stack: checked, protected: protected ?? (checked.environment == "production"), createdAt: now())
        try await tenantCall { try await store.createStack(managed) }
        return managed
    }

    public func stack(_ reference: String, in organisation: String) async throws(ServiceError) -> ManagedStack {
        _ = try await access.require(.read, in: organisation, to: "read stacks")
        return try await managedStack(reference, in: organisation)
    }

    /// A stack with its newest blueprint version and run, as the stack's page shows it.
    public func stackSummary(_ reference: String, in organisation: String) async throws(ServiceError) -> (
        stack: ManagedStack, latestBlueprint: Int?, latestRun: String?
    ) {
        _ = try await access.require(.read, in: organisation, to: "read stacks")
        let id = try Self.stackID(reference)
        let summary = try await existing(try await serviceCall { try await store.summary(of: id, in: organisation) }, "stack `\(reference)`")
        return (summary.stack, summary.blueprint, summary.run)
    }

    func managedStack(_ reference: String, in organisation: String) async throws(ServiceError) -> ManagedStack {
        let id = try Self.stackID(reference)
        return try await existing(try await serviceCall { try await store.stack(id, in: organisation) }, "stack `\(reference)`")
    }

    // MARK: blueprints

    public func blueprints(of reference: String, in organisation: String, _ page: PageRequest) async throws(ServiceError) -> Page<BlueprintVersion> {
        _ = try await access.require(.read, in: organisation, to: "list blueprint versions")
        let stack = try await managedStack(reference, in: organisation)
        return try await serviceCall { try await store.blueprints(of: stack.stack, in: organisation, page) }
    }

    public func blueprint(_ version: Int, of reference: String, in organisation: String) async throws(ServiceError) -> BlueprintVersion {
        _ = try await access.require(.read, in: organisation, to: "read blueprints")
        let stack = try await managedStack(reference, in: organisation)
        return try await existing(
            try await serviceCall { try await store.blueprint(version: version, of: stack.stack, in: organisation) },
            "blueprint version \(version) of `\(reference)`")
    }

    /// Stores a new version after checking it as `validate` does; a blueprint of another stack
    /// (its `metadata.name` or environment) is refused naming the field.
    public func upload(_ text: String, to reference: String, in organisation: String) async throws(ServiceError) -> BlueprintVersion {
        let principal = try await access.require(.plan, in: organisation, to: "upload blueprints")
        let stack = try await managedStack(reference, in: organisation)
        let loaded = BlueprintLoader().load(text: text, path: "blueprint.yaml")
        guard let blueprint = loaded.blueprint, !loaded.diagnostics.hasErrors else {
            throw .invalidBlueprint(loaded.diagnostics, loaded.source)
        }
        guard blueprint.metadata.name == stack.stack.name else {
            throw .invalidInput(
                "the blueprint's metadata.name is `\(blueprint.metadata.name)`, but this stack is `\(stack.stack.name)`", pointer: "/metadata/name")
        }
        guard blueprint.metadata.environment == stack.stack.environment else {
            throw .invalidInput(
                "the blueprint's metadata.environment is `\(blueprint.metadata.environment)`, but this stack's is `\(stack.stack.environment)`",
                pointer: "/metadata/environment")
        }
        let hash = AuditHash.sha256Hex(Data(text.utf8))
        return try await serviceCall {
            try await store.addBlueprint(text: text, sha256: hash, author: principal.name, at: now(), to: stack.stack, in: organisation)
        }
    }

    /// `validate` on a blueprint's text: the diagnostics exactly as the CLI gives them, and,
    /// for a valid one, the policy findings and the gate's verdict.
    public func validate(_ text: String, in organisation: String) async throws(ServiceError) -> Validation {
        let principal = try await access.require(.read, in: organisation, to: "validate blueprints")
        let loaded = BlueprintLoader().load(text: text, path: "blueprint.yaml")
        guard !loaded.diagnostics.hasErrors else {
            return Validation(
                files: ["blueprint.yaml"], diagnostics: loaded.diagnostics, sources: loaded.source.map { ["blueprint.yaml": $0] } ?? [:], reports: [],
                verdicts: [])
        }
        // The policy checks read the blueprint from a file, with any policies beside it.
        let directory = NSTemporaryDirectory() + "dharma-validate-" + APITokenSecret.identifier()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.write(toFile: directory + "/blueprint.yaml", atomically: true, encoding: .utf8)
        } catch {
            throw .failed("cannot stage the blueprint for validation: \(error.localizedDescription)")
        }
        var scoped = context
        scoped.principal = principal
        var result = try StackService(context: scoped).validate([directory + "/blueprint.yaml"], policy: PolicySettings())
        result.files = ["blueprint.yaml"]
        result.diagnostics = loaded.diagnostics
        result.sources = loaded.source.map { ["blueprint.yaml": $0] } ?? [:]
        return result
    }

    // MARK: helpers

    /// `NAME.ENVIRONMENT` as a stack.
    public static func stackID(_ reference: String) throws(ServiceError) -> StackID {
        let parts = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let name = try? self.name(parts[0], "stack name"), let environment = try? self.name(parts[1], "environment") else {
            throw .invalidInput("stack `\(reference)`: write NAME.ENVIRONMENT, as in shop.production", pointer: "/stack")
        }
        return StackID(name: name, environment: environment)
    }

    /// Names of users, organisations, projects and stacks: lower-case letters, digits and
    /// dashes, at most 63, starting with a letter or digit (they become paths and URLs).
    static func name(_ text: String, _ what: String) throws(ServiceError) -> String {
        let bytes = text.utf8
        let allowed = { (byte: UInt8) in (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2d }
        guard (1...63).contains(bytes.count), bytes.allSatisfy(allowed), bytes.first != 0x2d else {
            throw .invalidInput("\(what) `\(text)`: use 1 to 63 lower-case letters, digits and dashes, not starting with a dash", pointer: "/name")
        }
        return text
    }

    private func existing<T>(_ value: T?, _ what: String) async throws(ServiceError) -> T {
        guard let value else { throw .notFound("\(what) not found") }
        return value
    }

    private func tenantCall(_ body: () async throws -> Void) async throws(ServiceError) {
        do {
            try await body()
        } catch let error as TenantStoreError {
            switch error.kind {
            case .exists: throw .conflict(error.description)
            case .missing: throw .notFound(error.description)
            }
        } catch {
            throw ServiceError.from(error)
        }
    }

    func recordServer(_ action: String, reason: String) async throws(ServiceError) {
        let draft = AuditDraft(actor: context.principal.name, action: action, stack: "server", reason: reason)
        try await serviceCall(doing: "recording on the server's audit log") { try await access.record(draft) }
    }

    func recordOrganisation(_ organisation: String, action: String, reason: String) async throws(ServiceError) {
        let location = data.state(of: organisation)
        let store = try location.store()
        let log = try location.auditLog(store)
        let draft = AuditDraft(actor: context.principal.name, action: action, stack: "org/\(organisation)", reason: reason)
        let entries = try await serviceCall(doing: "recording on the organisation's audit log") { try await log.append([draft]) }
        for entry in entries {
            await events?.publish(
                .audit, organisation: organisation, stack: nil,
                payload: .map(["seq": .int(Int(entry.seq)), "actor": .string(entry.actor), "action": .string(entry.action), "reason": .string(entry.reason)]))
        }
    }
}

extension TenantService {
    /// A stack operation's context: the caller scoped to the organisation, holding `permission`
    /// there, and the stack in the organisation's state database. State, audit and drift
    /// services take these, so they check the same principal the route authenticated.
    public func stackScope(_ reference: String, in organisation: String, _ permission: Permission, to what: String) async throws(ServiceError) -> (
        context: ServiceContext, selector: StackSelector, stack: ManagedStack
    ) {
        let principal = try await access.require(permission, in: organisation, to: what)
        let stack = try await managedStack(reference, in: organisation)
        var scoped = context
        scoped.principal = principal
        // A stack never applied reads as empty, not as a missing database.
        _ = try data.state(of: organisation).store()
        return (scoped, StackSelector(stack: "\(stack.stack.name)/\(stack.stack.environment)", state: data.state(of: organisation).databasePath), stack)
    }

    /// The organisation's own audit log, for a caller holding `permission` there.
    /// An organisation-wide operation on its state database (metrics pushed over OTLP): the
    /// caller scoped to the organisation, holding `permission`, and the database.
    public func organisationScope(_ organisation: String, _ permission: Permission, to what: String) async throws(ServiceError) -> (
        context: ServiceContext, selector: StackSelector
    ) {
        let principal = try await access.require(permission, in: organisation, to: what)
        var scoped = context
        scoped.principal = principal
        let location = data.state(of: organisation)
        _ = try location.store()
        return (scoped, StackSelector(state: location.databasePath))
    }

    public func auditScope(_ organisation: String, _ permission: Permission, to what: String) async throws(ServiceError) -> (
        context: ServiceContext, selector: StackSelector
    ) {
        let principal = try await access.require(permission, in: organisation, to: what)
        var scoped = context
        scoped.principal = principal
        let location = data.state(of: organisation)
        // The organisation's log exists from its first recorded change; an empty one is created here.
        _ = try location.auditLog(try location.store())
        return (scoped, StackSelector(state: location.databasePath))
    }
}
